/**
 * Configuration of the daily review (docs/reviews.md): cadence, clusters, namespace scope,
 * the longest allowed suppression, and the ingest hole that counts as an evidence gap. Every
 * key optional; `src/services/review/review-config.ts` resolves the defaults.
 */
import { z } from 'zod';

import { parseAlertDuration } from './alerting-schema.js';

const Duration = z.unknown().transform((v, ctx) => {
  const ms = parseAlertDuration(v);
  if (ms === null || ms <= 0) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a duration like 1d, got ${JSON.stringify(v)}`,
    });
    return z.NEVER;
  }
  return ms;
}) as unknown as z.ZodType<number>;

const Name = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'expected a Kubernetes name');

export const ReviewConfigLayerSchema = z.strictObject({
  /** How often a review is due per cluster, e.g. `1d` (default). */
  cadence: z.optional(Duration),
  /** Extra time after the cadence before a review counts as overdue (default 2h). */
  grace: z.optional(Duration),
  /** Clusters to review; default every cluster seen in the data. */
  clusters: z.optional(z.array(z.string().min(1).max(253)).max(1000)),
  scope: z.optional(
    z.strictObject({
      /** Namespaces in the review; default all. */
      namespaces: z.optional(z.array(Name).min(1).max(10_000)),
    }),
  ),
  /** Longest suppression an "expected" disposition may create, in days (default 90). */
  suppressionMaxDays: z.optional(z.number().int().min(1).max(3650)),
  /** A source silent, or the ingest empty, for longer than this many minutes is a gap (default 30). */
  gapMinutes: z.optional(z.number().int().min(1).max(10_080)),
});
export type ReviewConfigLayer = z.infer<typeof ReviewConfigLayerSchema>;
