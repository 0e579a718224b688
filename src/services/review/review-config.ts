/** The review configuration with its defaults resolved (docs/reviews.md). */
import type { Config } from '../../api/config-schema.js';

export interface ResolvedReviewConfig {
  cadenceMs: number;
  graceMs: number;
  /** Clusters to review; null = every cluster seen in the data. */
  clusters: string[] | null;
  /** Namespaces in scope; null = all. */
  namespaces: string[] | null;
  suppressionMaxDays: number;
  gapMinutes: number;
}

export const REVIEW_DEFAULTS: ResolvedReviewConfig = {
  cadenceMs: 86_400_000,
  graceMs: 2 * 3_600_000,
  clusters: null,
  namespaces: null,
  suppressionMaxDays: 90,
  gapMinutes: 30,
};

export function resolveReviewConfig(config: Pick<Config, 'review'>): ResolvedReviewConfig {
  const r = config.review ?? {};
  return {
    cadenceMs: r.cadence ?? REVIEW_DEFAULTS.cadenceMs,
    graceMs: r.grace ?? REVIEW_DEFAULTS.graceMs,
    clusters: r.clusters ? [...new Set(r.clusters)].sort() : null,
    namespaces: r.scope?.namespaces ? [...new Set(r.scope.namespaces)].sort() : null,
    suppressionMaxDays: r.suppressionMaxDays ?? REVIEW_DEFAULTS.suppressionMaxDays,
    gapMinutes: r.gapMinutes ?? REVIEW_DEFAULTS.gapMinutes,
  };
}
