/** Configuration of incident policy, namespace owners and contacts (docs/incidents.md). Every key optional; the feature resolves defaults. */
import { z } from 'zod';

export const IncidentConfigLayerSchema = z.strictObject({});
export type IncidentConfigLayer = z.infer<typeof IncidentConfigLayerSchema>;
