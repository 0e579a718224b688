import type {
  Metric,
  OverviewResponse,
  Peer,
  Ranked,
  ScopeQuery,
} from '../../api/dashboard-schema.js';
import type { SourceFormat } from '../../domain/flow.js';
import type { RollupRow } from '../../store/flow-store.js';
import {
  type AccessScope,
  addCount,
  ALL_ROWS,
  type DashboardDeps,
  dstPeer,
  peerLabel,
  resolutionFor,
  scopedFilter,
  srcPeer,
} from './scope.js';
import {
  allowedVolume,
  baselineWindow,
  byChange,
  cachedBaseline,
  CONNECTION_KEY,
} from './volume.js';

const TOP = 8;

function rank(
  rows: RollupRow[],
  keyOf: (r: RollupRow) => { label: string; peer: Peer | null },
): Ranked[] {
  const by = new Map<string, Ranked>();
  for (const r of rows) {
    const { label, peer } = keyOf(r);
    const cur = by.get(label) ?? { label, peer, flows: null, packets: null, bytes: null };
    cur.flows = addCount(cur.flows, r.flows);
    cur.packets = addCount(cur.packets, r.packets);
    cur.bytes = addCount(cur.bytes, r.bytes);
    by.set(label, cur);
  }
  const weight = (x: Ranked): number => x.flows ?? x.packets ?? 0;
  return [...by.values()].sort((a, b) => weight(b) - weight(a)).slice(0, TOP);
}

/** The Overview page: headline figures and the top lists for the window. */
export async function getOverview(
  deps: DashboardDeps,
  q: ScopeQuery,
  scope?: AccessScope,
): Promise<OverviewResponse> {
  const base = scopedFilter({ cluster: q.cluster, namespace: q.namespace }, scope);
  // One read of the window, grouped finely enough for every figure below: the allowed volume
  // per connection, the denied top lists and the sources heard from. It, the usual level and
  // the sources' history are read at once (in parallel on the store's read workers).
  const windowRead: Promise<RollupRow[]> = base
    ? deps.store.queryRollups({
        ...base,
        resolution: resolutionFor(q.from, q.to),
        from: q.from,
        to: q.to,
        groupBy: [...CONNECTION_KEY, 'verdict', 'source'],
        limit: ALL_ROWS,
      })
    : Promise.resolve([]);
  const volumeRead = allowedVolume(
    deps,
    q,
    scope,
    windowRead.then((rows) => rows.filter((r) => r.verdict === 'allowed')),
  );
  const { baselineFrom, baselineTo } = baselineWindow(q);
  const seenQuery = {
    ...base,
    resolution: '1h' as const,
    from: baselineFrom,
    to: baselineTo,
    groupBy: ['cluster' as const, 'source' as const],
    limit: ALL_ROWS,
  };
  const seenRead: Promise<RollupRow[]> = base
    ? cachedBaseline(deps, JSON.stringify(seenQuery), () => deps.store.queryRollups(seenQuery))
    : Promise.resolve([]);
  const [window, volume, seen] = await Promise.all([windowRead, volumeRead, seenRead]);
  const denied = window.filter((r) => r.verdict === 'denied');
  const recent = window;
  const active = new Set(recent.map((r) => `${r.cluster}\u0000${r.source}`));
  const silentSources = seen
    .filter((r) => !active.has(`${r.cluster}\u0000${r.source}`))
    .map((r) => ({
      cluster: r.cluster ?? '',
      source: r.source as SourceFormat,
      lastSeen: r.lastSeen,
    }));

  let flows: number | null = null;
  let packets: number | null = null;
  let bytes: number | null = null;
  const sources = new Set<string>();
  for (const r of denied) {
    flows = addCount(flows, r.flows);
    packets = addCount(packets, r.packets);
    bytes = addCount(bytes, r.bytes);
    sources.add(peerLabel(srcPeer(r)));
  }

  // One headline needs one unit: bytes when any source reports them (the others are left
  // out and the response says so), else flows, else packets.
  const units = new Set(volume.rows.map((r) => r.unit));
  const unit: Metric = units.has('bytes') ? 'bytes' : units.has('flows') ? 'flows' : 'packets';
  let current = 0;
  let usual: number | null = volume.baselineSpan > 0 ? 0 : null;
  for (const r of volume.rows) {
    if (r.unit !== unit) continue;
    current += r.current;
    if (usual !== null) usual += r.usual ?? 0;
  }
  const partial = units.size > 1;
  return {
    from: q.from,
    to: q.to,
    denied: { flows, packets, bytes, distinctSources: sources.size },
    allowed: { unit, current, usual, ratio: usual ? current / usual : null, partial },
    silentSources,
    topDeniedSources: rank(denied, (r) => ({ label: peerLabel(srcPeer(r)), peer: srcPeer(r) })),
    topDeniedDestinations: rank(denied, (r) => ({
      label: peerLabel(dstPeer(r)),
      peer: dstPeer(r),
    })),
    topDeniedPorts: rank(denied, (r) => ({
      label:
        r.port === null || r.port === undefined
          ? 'port not reported'
          : `${r.port}/${r.protocol ?? 'other'}`,
      peer: null,
    })),
    largestChanges: [...volume.rows].sort(byChange).slice(0, TOP),
    baselineFrom: volume.baselineFrom,
  };
}
