/** Configuration of daily review cadence and scope (docs/reviews.md). Every key optional; the feature resolves defaults. */
import { z } from 'zod';

export const ReviewConfigLayerSchema = z.strictObject({});
export type ReviewConfigLayer = z.infer<typeof ReviewConfigLayerSchema>;
