import type { MetaResponse } from '../../api/dashboard-schema.js';
import { SOURCE_CAPABILITIES, type SourceFormat } from '../../domain/flow.js';
import { DAY_MS } from '../../domain/time.js';
import { type AccessScope, ALL_ROWS, type DashboardDeps, scopedNamespaces } from './scope.js';

/** What the top bar needs: the variables' choices, the demo banner and the sources' units. */
export async function getMeta(deps: DashboardDeps, scope?: AccessScope): Promise<MetaResponse> {
  const now = deps.now();
  const stats = await deps.store.stats();
  const allowedNs = scopedNamespaces(undefined, scope);
  const rows =
    allowedNs === null
      ? []
      : await deps.store.queryRollups({
          resolution: '1h',
          from: now - 35 * DAY_MS,
          to: now + DAY_MS,
          ...(allowedNs ? { namespace: allowedNs } : {}),
          groupBy: ['cluster', 'srcNamespace', 'dstNamespace', 'source'],
          limit: ALL_ROWS,
        });
  const clusters = new Set<string>();
  const namespaces = new Set<string>();
  const sources = new Set<SourceFormat>();
  for (const r of rows) {
    if (r.cluster) clusters.add(r.cluster);
    if (r.source) sources.add(r.source);
    for (const ns of [r.srcNamespace, r.dstNamespace]) {
      if (ns && (!allowedNs || allowedNs.includes(ns))) namespaces.add(ns);
    }
  }
  return {
    now,
    demo: deps.demo,
    clusters: [...clusters].sort(),
    namespaces: [...namespaces].sort(),
    sources: [...sources].sort().map((source) => {
      const c = SOURCE_CAPABILITIES[source];
      return { source, flows: c.flows, packets: c.packets, bytes: c.bytes };
    }),
    policyModel: Boolean(deps.policy),
    suggestFix: Boolean(deps.policy?.suggestFix),
    oldest: stats.oldest,
    newest: stats.newest,
  };
}
