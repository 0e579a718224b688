import type { MetaResponse } from '../../api/dashboard-schema.js';
import { SOURCE_CAPABILITIES, type SourceFormat } from '../../domain/flow.js';
import { DAY_MS } from '../../domain/time.js';
import { type AccessScope, ALL_ROWS, type DashboardDeps, scopedNamespaces } from './scope.js';

/** The variables' choices change slowly; one scan per half minute is plenty. */
const CACHE_MS = 30_000;
const cache = new WeakMap<DashboardDeps, Map<string, { at: number; value: MetaResponse }>>();

/** What the top bar needs: the variables' choices, the demo banner and the sources' units. */
export async function getMeta(deps: DashboardDeps, scope?: AccessScope): Promise<MetaResponse> {
  const now = deps.now();
  const key = JSON.stringify(scope?.namespaces ?? null);
  let byScope = cache.get(deps);
  if (!byScope) cache.set(deps, (byScope = new Map()));
  const hit = byScope.get(key);
  if (hit && now - hit.at >= 0 && now - hit.at < CACHE_MS) {
    return { ...hit.value, now, demo: deps.demo, policyModel: Boolean(deps.policy) };
  }
  const value = await computeMeta(deps, now, scope);
  byScope.set(key, { at: now, value });
  return value;
}

async function computeMeta(
  deps: DashboardDeps,
  now: number,
  scope: AccessScope | undefined,
): Promise<MetaResponse> {
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
  let oldest: number | null = null;
  let newest: number | null = null;
  for (const r of rows) {
    oldest = Math.min(oldest ?? r.firstSeen, r.firstSeen);
    newest = Math.max(newest ?? r.lastSeen, r.lastSeen);
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
    oldest,
    newest,
  };
}
