/**
 * Computes a review's items live: findings in the period, coverage lost since the previous
 * sign-off, and evidence gaps. Pure reads; nothing is stored here.
 */
import { coverageSnapshot, lostIsolation } from '../../domain/review/coverage.js';
import { findingItem, holeItems, sourceGapItems } from '../../domain/review/items.js';
import { inScope } from '../../domain/review/scope.js';
import type { ReviewItem, ReviewSnapshot } from '../../domain/review/types.js';
import type { GovernanceContext } from '../governance-context.js';

const MINUTE = 60_000;
/** The 1-minute tier is kept 35 days; older holes cannot be told from retention. */
const MAX_HOLE_LOOKBACK = 34 * 86_400_000;

export interface ComputedItems {
  items: ReviewItem[];
  /** What the next review will compare against, were this one signed off now. */
  snapshot: ReviewSnapshot;
  /** Why some item kinds are missing (no model, store without findings …). */
  notes: string[];
}

export async function computeReviewItems(
  ctx: GovernanceContext,
  cluster: string,
  scope: string[] | null,
  periodStart: number,
  now: number,
  previous: ReviewSnapshot | null,
  gapMinutes: number,
): Promise<ComputedItems> {
  const notes: string[] = [];
  const items: ReviewItem[] = [];
  const findings = await ctx.findings.listFindings({
    from: periodStart,
    to: now + 1,
    cluster: [cluster],
    ...(scope ? { namespace: scope } : {}),
    limit: 10_000,
  });
  for (const f of findings) items.push(findingItem(f, periodStart));

  const model = ctx.model();
  const coverage = model ? coverageSnapshot(model) : null;
  if (!coverage) notes.push('No cluster model: coverage changes are not computed.');
  else if (!previous?.coverage)
    notes.push(
      'No coverage snapshot from a previous sign-off: coverage changes start after this review.',
    );
  else items.push(...lostIsolation(cluster, previous.coverage, coverage, now));

  const gapMs = gapMinutes * MINUTE;
  const health = await ctx.store.sourceHealth();
  items.push(...sourceGapItems(cluster, health, previous?.lostEvents ?? {}, now, gapMs));
  const from = Math.floor(Math.max(periodStart, now - MAX_HOLE_LOOKBACK) / MINUTE) * MINUTE;
  const to = Math.floor(now / MINUTE) * MINUTE;
  if (to - from >= gapMs) {
    const ts = await ctx.store.queryTimeSeries({
      resolution: '1m',
      from,
      to,
      stepMs: MINUTE,
      groupBy: [],
      filter: { cluster: [cluster] },
      metric: 'flows',
    });
    const values = ts.series[0]?.values ?? ts.steps.map(() => 0);
    items.push(...holeItems(cluster, ts.steps, values, MINUTE, gapMinutes));
  }
  const lostEvents = Object.fromEntries(health.map((h) => [h.source, h.lostEventsTotal]));
  return {
    items: items.filter((i) => inScope(scope, i.namespace)),
    snapshot: { coverage, lostEvents },
    notes,
  };
}
