import type { FlowRow, Peer } from '../../api/dashboard-schema.js';
import type { Endpoint } from '../../domain/flow.js';
import type { FlowFilter, StoredFlow } from '../../store/flow-store.js';
import type { DashboardDeps } from './scope.js';

/** The name a rollup uses for an endpoint: workload, external group, or the bare pod. */
function sideName(e: Endpoint): string | null {
  return e.workload?.name ?? e.externalGroup ?? e.pod ?? null;
}

function sameSide(e: Endpoint, p: Peer): boolean {
  return e.namespace === p.namespace && sideName(e) === p.workload;
}

export function toFlowRow(f: StoredFlow): FlowRow {
  return {
    id: f.id,
    time: f.time,
    cluster: f.cluster,
    src: f.src,
    dst: f.dst,
    protocol: f.protocol,
    port: f.port,
    direction: f.direction,
    verdict: f.verdict,
    reason: f.reason,
    dropReason: f.dropReason,
    policies: f.policies,
    flows: f.flows,
    packets: f.packets,
    bytes: f.bytes,
    source: f.source,
    node: f.node,
    sampleWeight: f.sampleWeight,
  };
}

const MAX_PAGES = 20;

/**
 * Raw events between two rollup peers, newest first. The store filters by one workload name
 * (either side); the exact pair is matched here, reading at most MAX_PAGES pages.
 */
export async function findPeerFlows(
  deps: DashboardDeps,
  filter: FlowFilter,
  src: Peer,
  dst: Peer,
  max: number,
): Promise<FlowRow[]> {
  const out: FlowRow[] = [];
  const f: FlowFilter = { ...filter };
  const named = src.kind === 'pod' ? src.workload : dst.kind === 'pod' ? dst.workload : null;
  if (named) f.workload = named;
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES && out.length < max; page += 1) {
    const res = await deps.store.queryFlows(f, { limit: 1000, cursor });
    for (const flow of res.flows) {
      if (out.length >= max) break;
      if (sameSide(flow.src, src) && sameSide(flow.dst, dst)) out.push(toFlowRow(flow));
    }
    cursor = res.next;
    if (!cursor) break;
  }
  return out;
}
