/**
 * Retention of the records tier (DESIGN.md §5: findings, reviews, incidents; 3 years by
 * default, `retention.records`). Only finished records age out: an open finding, an unsigned
 * review or an incident that is not closed is kept whatever its age, because it is still work.
 * The audit log is never deleted here: it is append-only (its chain would break).
 */
import type { GovernanceContext } from './governance-context.js';
import { incidentStoreFor } from './incidents/incident-store-for.js';
import { reviewStoreFor } from './review/review-store-for.js';

export interface RecordsRetentionResult {
  cutoff: number;
  findings: number;
  reviews: number;
  incidents: number;
}

/** @example const r = await applyRecordsRetention(services.governance, Date.now()) */
export async function applyRecordsRetention(
  ctx: GovernanceContext,
  now: number,
): Promise<RecordsRetentionResult> {
  const cutoff = now - ctx.config.retention.records;
  const findings = await ctx.findings.deleteEndedBefore(cutoff);
  const reviews = await reviewStoreFor(ctx.store).deleteSignedOffBefore(cutoff);
  const incidents = await incidentStoreFor(ctx.store).deleteClosedBefore(cutoff);
  return { cutoff, findings, reviews, incidents };
}
