import type {
  DeniedDetailResponse,
  DeniedGroup,
  DeniedGroupKey,
  DeniedGroupsQuery,
  DeniedGroupsResponse,
  ScopeQuery,
} from '../../api/dashboard-schema.js';
import type { Protocol, SourceFormat } from '../../domain/flow.js';
import type { RollupKeyField, RollupRow } from '../../store/flow-store.js';
import { explainDenied } from './denied-explain.js';
import { binnedTotals, sparkStepFor } from './denied-sparklines.js';
import { findPeerFlows } from './peer-flows.js';
import {
  type AccessScope,
  addCount,
  type DashboardDeps,
  dstPeer,
  resolutionFor,
  scopedFilter,
  srcPeer,
} from './scope.js';

const GROUP_KEY: Exclude<RollupKeyField, 'bucket'>[] = [
  'cluster',
  'srcNamespace',
  'srcWorkload',
  'srcKind',
  'dstNamespace',
  'dstWorkload',
  'dstKind',
  'protocol',
  'port',
  'direction',
  'reason',
  'policy',
];

function keyOf(r: RollupRow): DeniedGroupKey {
  return {
    cluster: r.cluster ?? '',
    src: srcPeer(r),
    dst: dstPeer(r),
    port: r.port ?? null,
    protocol: (r.protocol ?? 'other') as Protocol,
    direction: r.direction ?? 'unknown',
    reason: r.reason ?? 'unknown',
    policy: r.policy ?? '',
  };
}

/** Stable identity of a group, also used by the UI to select a row. */
export function groupId(k: DeniedGroupKey): string {
  return JSON.stringify([
    k.cluster,
    k.src,
    k.dst,
    k.port,
    k.protocol,
    k.direction,
    k.reason,
    k.policy,
  ]);
}

/**
 * Denied traffic grouped by source workload → destination workload:port/protocol and by the
 * reason or deciding policy, with a trend sparkline (flows per bin, packets when the source
 * reports no flows). The database groups: one row per group and source, carrying its
 * sparkline's steps (see denied-sparklines.ts).
 */
export async function getDeniedGroups(
  deps: DashboardDeps,
  q: DeniedGroupsQuery,
  scope?: AccessScope,
): Promise<DeniedGroupsResponse> {
  const resolution = resolutionFor(q.from, q.to);
  const sparkStep = sparkStepFor(q.from, q.to, resolution);
  const base = scopedFilter(
    { cluster: q.cluster, namespace: q.namespace, verdict: ['denied'] },
    scope,
  );
  if (!base) return { groups: [], sparkStep, truncated: false };
  // One read: totals and sparklines of every group and source.
  const rows = await binnedTotals(deps, {
    filter: base,
    resolution,
    from: q.from,
    to: q.to,
    step: sparkStep,
    fields: [...GROUP_KEY, 'source'],
  });
  const groups = new Map<string, DeniedGroup>();
  for (const { row: r, line } of rows) {
    const key = keyOf(r);
    const id = groupId(key);
    let g = groups.get(id);
    if (!g) {
      // Key fields one by one: spreading the key into a bigger object is V8's slow path
      // (microseconds a group).
      g = {
        cluster: key.cluster,
        src: key.src,
        dst: key.dst,
        port: key.port,
        protocol: key.protocol,
        direction: key.direction,
        reason: key.reason,
        policy: key.policy,
        flows: null,
        packets: null,
        bytes: null,
        firstSeen: r.firstSeen,
        lastSeen: r.lastSeen,
        sources: [],
        sparkline: new Array<number>(line.length).fill(0),
      };
      groups.set(id, g);
    }
    g.flows = addCount(g.flows, r.flows);
    g.packets = addCount(g.packets, r.packets);
    g.bytes = addCount(g.bytes, r.bytes);
    g.firstSeen = Math.min(g.firstSeen, r.firstSeen);
    g.lastSeen = Math.max(g.lastSeen, r.lastSeen);
    const src = r.source as SourceFormat;
    if (!g.sources.includes(src)) g.sources.push(src);
    for (let i = 0; i < line.length; i++) g.sparkline[i] = (g.sparkline[i] ?? 0) + (line[i] ?? 0);
  }
  const weight = (g: DeniedGroup): number => g.flows ?? g.packets ?? 0;
  const all = [...groups.values()].sort((a, b) => b.lastSeen - a.lastSeen || weight(b) - weight(a));
  return { groups: all.slice(0, q.limit), sparkStep, truncated: all.length > q.limit };
}

const MAX_EVENTS = 200;

/** The drawer of one denied group: raw events, the engine's explanation and the fix. */
export async function getDeniedDetail(
  deps: DashboardDeps,
  q: ScopeQuery & { group: DeniedGroupKey },
  scope?: AccessScope,
): Promise<DeniedDetailResponse> {
  const k = q.group;
  const base = scopedFilter(
    {
      from: q.from,
      to: q.to,
      cluster: [k.cluster],
      namespace: q.namespace,
      verdict: ['denied'],
      protocol: [k.protocol],
      direction: [k.direction],
      reason: [k.reason],
      ...(k.port !== null ? { port: k.port } : {}),
    },
    scope,
  );
  const events = base ? await findPeerFlows(deps, base, k.src, k.dst, MAX_EVENTS) : [];
  return { key: k, events, ...explainDenied(deps, k, events) };
}
