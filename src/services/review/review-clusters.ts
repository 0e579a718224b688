/** The clusters seen in the data (rollups of the last 35 days, and findings), for the default review list. */
import type { GovernanceContext } from '../governance-context.js';

const DAY = 86_400_000;

export async function knownClusters(ctx: GovernanceContext): Promise<string[]> {
  const now = ctx.now();
  const rows = await ctx.store.queryRollups({
    resolution: '1h',
    from: now - 35 * DAY,
    to: now + DAY,
    groupBy: ['cluster'],
    limit: 10_000,
  });
  const out = new Set<string>();
  for (const r of rows) if (r.cluster) out.add(r.cluster);
  try {
    for (const f of await ctx.findings.listFindings({ from: now - 35 * DAY, limit: 10_000 }))
      out.add(f.subject.cluster);
  } catch {
    // A store without findings: the rollups alone name the clusters.
  }
  return [...out].sort();
}
