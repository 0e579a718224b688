/** Configuration of reports (docs/reports.md). Every key optional; the feature resolves defaults. */
import { z } from 'zod';

export const ReportConfigLayerSchema = z.strictObject({});
export type ReportConfigLayer = z.infer<typeof ReportConfigLayerSchema>;
