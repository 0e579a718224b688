import type {
  Counters,
  ExternalEgressResponse,
  Peer,
  ScopeQuery,
} from '../../api/dashboard-schema.js';
import {
  type AccessScope,
  addCount,
  ALL_ROWS,
  type DashboardDeps,
  peerLabel,
  resolutionFor,
  scopedFilter,
  srcPeer,
} from './scope.js';

type Row = ExternalEgressResponse['rows'][number];

function add(c: Counters, r: Counters): void {
  c.flows = addCount(c.flows, r.flows);
  c.packets = addCount(c.packets, r.packets);
  c.bytes = addCount(c.bytes, r.bytes);
}

/** Egress to destinations outside the cluster, grouped by destination (external group or CIDR name). */
export async function getExternalEgress(
  deps: DashboardDeps,
  q: ScopeQuery,
  scope?: AccessScope,
): Promise<ExternalEgressResponse> {
  const base = scopedFilter({ cluster: q.cluster, namespace: q.namespace }, scope);
  if (!base) return { rows: [] };
  const rows = await deps.store.queryRollups({
    ...base,
    resolution: resolutionFor(q.from, q.to),
    from: q.from,
    to: q.to,
    groupBy: [
      'srcNamespace',
      'srcWorkload',
      'srcKind',
      'dstKind',
      'dstWorkload',
      'protocol',
      'port',
      'verdict',
    ],
    limit: ALL_ROWS,
  });
  const by = new Map<string, Row & { seen: Set<string> }>();
  for (const r of rows) {
    if (r.dstKind !== 'external') continue;
    const destination = r.dstWorkload ?? 'world';
    let row = by.get(destination);
    if (!row) {
      row = {
        destination,
        ports: [],
        sources: [],
        allowed: { flows: null, packets: null, bytes: null },
        denied: { flows: null, packets: null, bytes: null },
        firstSeen: r.firstSeen,
        lastSeen: r.lastSeen,
        seen: new Set(),
      };
      by.set(destination, row);
    }
    add(r.verdict === 'allowed' ? row.allowed : row.denied, r);
    const port = `${r.port ?? '-'}/${r.protocol ?? 'other'}`;
    if (!row.ports.includes(port)) row.ports.push(port);
    const src: Peer = srcPeer(r);
    const label = peerLabel(src);
    if (!row.seen.has(label)) {
      row.seen.add(label);
      row.sources.push(src);
    }
    row.firstSeen = Math.min(row.firstSeen, r.firstSeen);
    row.lastSeen = Math.max(row.lastSeen, r.lastSeen);
  }
  const volume = (x: Row): number => x.allowed.bytes ?? x.allowed.flows ?? x.allowed.packets ?? 0;
  return {
    rows: [...by.values()]
      .map(({ seen: _seen, ...row }) => row)
      .sort((a, b) => volume(b) - volume(a)),
  };
}
