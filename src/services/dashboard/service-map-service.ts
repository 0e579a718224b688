import type {
  FlowPageResponse,
  Peer,
  ScopeQuery,
  ServiceMapResponse,
} from '../../api/dashboard-schema.js';
import { findPeerFlows } from './peer-flows.js';
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

type Edge = ServiceMapResponse['edges'][number];
type Node = ServiceMapResponse['nodes'][number];

/** Edges beyond this are dropped (smallest first) so that the map stays readable. */
export const MAX_EDGES = 400;

/** Who talked to whom: workloads (grouped by namespace in the UI) and edges per verdict. */
export async function getServiceMap(
  deps: DashboardDeps,
  q: ScopeQuery,
  scope?: AccessScope,
): Promise<ServiceMapResponse> {
  const base = scopedFilter({ cluster: q.cluster, namespace: q.namespace }, scope);
  if (!base) return { nodes: [], edges: [], truncated: false };
  const rows = await deps.store.queryRollups({
    ...base,
    resolution: resolutionFor(q.from, q.to),
    from: q.from,
    to: q.to,
    groupBy: [
      'srcNamespace',
      'srcWorkload',
      'srcKind',
      'dstNamespace',
      'dstWorkload',
      'dstKind',
      'protocol',
      'port',
      'verdict',
    ],
    limit: ALL_ROWS,
  });
  const nodes = new Map<string, Node>();
  const edges = new Map<string, Edge>();
  for (const r of rows) {
    const s = srcPeer(r);
    const d = dstPeer(r);
    const sId = peerLabel(s);
    const dId = peerLabel(d);
    if (!nodes.has(sId))
      nodes.set(sId, {
        id: sId,
        namespace: s.namespace,
        workload: s.workload ?? '(unknown)',
        kind: s.kind,
      });
    if (!nodes.has(dId))
      nodes.set(dId, {
        id: dId,
        namespace: d.namespace,
        workload: d.workload ?? '(unknown)',
        kind: d.kind,
      });
    const id = JSON.stringify([sId, dId]);
    const e = edges.get(id) ?? {
      id,
      src: sId,
      dst: dId,
      allowed: { flows: null, packets: null, bytes: null },
      denied: { flows: null, packets: null, bytes: null },
      ports: [],
    };
    // Audit verdicts would have been denied: show them with the denials.
    const c = r.verdict === 'allowed' ? e.allowed : e.denied;
    c.flows = addCount(c.flows, r.flows);
    c.packets = addCount(c.packets, r.packets);
    c.bytes = addCount(c.bytes, r.bytes);
    const port = `${r.port ?? '-'}/${r.protocol ?? 'other'}`;
    if (!e.ports.includes(port)) e.ports.push(port);
    edges.set(id, e);
  }
  const weight = (e: Edge): number =>
    // Denied edges are kept first: they are what the map is for.
    (e.denied.flows ?? e.denied.packets ?? 0) * 1e6 + (e.allowed.flows ?? e.allowed.packets ?? 0);
  const all = [...edges.values()].sort((a, b) => weight(b) - weight(a));
  const kept = all.slice(0, MAX_EDGES);
  const used = new Set(kept.flatMap((e) => [e.src, e.dst]));
  return {
    nodes: [...nodes.values()].filter((n) => used.has(n.id)),
    edges: kept,
    truncated: all.length > kept.length,
  };
}

/** The raw events of one edge of the map, newest first. */
export async function getEdgeFlows(
  deps: DashboardDeps,
  q: ScopeQuery & { edge: { src: Peer; dst: Peer } },
  scope?: AccessScope,
): Promise<FlowPageResponse> {
  const base = scopedFilter(
    { from: q.from, to: q.to, cluster: q.cluster, namespace: q.namespace },
    scope,
  );
  if (!base) return { flows: [], next: null, searchedTo: null };
  const flows = await findPeerFlows(deps, base, q.edge.src, q.edge.dst, 500);
  return { flows, next: null, searchedTo: null };
}
