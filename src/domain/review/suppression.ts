/** Expiring suppressions: what they cover, whether they are in force, and their bounds. */
import type { ReviewItem, Suppression, SuppressionMatcher } from './types.js';

const DAY = 86_400_000;

export function suppressionActive(s: Suppression, at: number): boolean {
  return s.revokedAt === null && s.createdAt <= at && at < s.expiresAt;
}

/** Whether a matcher covers an item; finding items match on the finding key, others on the item key. */
export function suppressionCovers(m: SuppressionMatcher, item: ReviewItem): boolean {
  if (m.cluster !== item.cluster) return false;
  if (m.findingType !== null && m.findingType !== item.findingType) return false;
  if (m.key !== null && m.key !== (item.findingKey ?? item.key)) return false;
  if (m.namespace !== null && m.namespace !== item.namespace) return false;
  return m.workload === null || m.workload === item.workload;
}

/** The matcher an "expected" disposition creates for an item: as narrow as the item. */
export function matcherFor(item: ReviewItem): SuppressionMatcher {
  return {
    cluster: item.cluster,
    findingType: item.findingType,
    key: item.findingKey ?? item.key,
    namespace: item.namespace,
    workload: item.workload,
  };
}

/** Why an expiry is refused, or null: it must lie in the future and at most `maxDays` ahead. */
export function expiryProblem(expiresAt: number, now: number, maxDays: number): string | null {
  if (!Number.isFinite(expiresAt) || expiresAt <= now) return 'the expiry must be in the future';
  if (expiresAt > now + maxDays * DAY)
    return `a suppression may last at most ${maxDays} days (review.suppressionMaxDays)`;
  return null;
}

/** The first active suppression covering the item, if any. */
export function coveringSuppression(
  suppressions: readonly Suppression[],
  item: ReviewItem,
  at: number,
): Suppression | null {
  return suppressions.find((s) => suppressionActive(s, at) && suppressionCovers(s, item)) ?? null;
}
