/** Configuration of reports (docs/reports.md). Every key optional; the feature resolves defaults. */
import { z } from 'zod';

export const ReportConfigLayerSchema = z.strictObject({
  /** Organisation name printed on report covers. */
  organisation: z.string().min(1).max(200).optional(),
  /** Chromium binary for PDF output (default /usr/bin/chromium). */
  chromiumPath: z.string().min(1).max(1000).optional(),
  /** Target share of days with a signed-off review for the evidence to be "met" (default 0.95). */
  reviewCompletionTarget: z.number().min(0).max(1).optional(),
  /** Target share of hours with data for completeness to be "met" (default 0.99). */
  completenessTarget: z.number().min(0).max(1).optional(),
});
export type ReportConfigLayer = z.infer<typeof ReportConfigLayerSchema>;

export interface ReportSettings {
  organisation: string | null;
  chromiumPath: string;
  reviewCompletionTarget: number;
  completenessTarget: number;
}

/** Defaults for every key the configuration leaves out. */
export function resolveReportSettings(layer: ReportConfigLayer | undefined): ReportSettings {
  return {
    organisation: layer?.organisation ?? null,
    chromiumPath: layer?.chromiumPath ?? '/usr/bin/chromium',
    reviewCompletionTarget: layer?.reviewCompletionTarget ?? 0.95,
    completenessTarget: layer?.completenessTarget ?? 0.99,
  };
}
