/**
 * Sample connections behind an incident's findings, so that "Notify developers" can carry the
 * engine's explanation and the suggested fix even when the incident was opened from a finding
 * (the usual way) rather than from one flow. A few distinct connections per finding, from the
 * raw events of the finding's span.
 */
import type { Finding } from '../../domain/detect/finding.js';
import type { Endpoint, Flow } from '../../domain/flow.js';
import type { FlowRef, FlowRefEndpoint } from '../../domain/incident/types.js';
import { evidenceFlowFilter } from '../findings/finding-views.js';
import type { GovernanceContext } from '../governance-context.js';

const PER_FINDING = 3;
const TOTAL = 5;

/** By workload when known: pods come and go, the workload is what the policies select. */
function endpointOf(e: Endpoint): FlowRefEndpoint {
  return {
    namespace: e.namespace,
    pod: e.workload ? null : e.pod,
    workload: e.workload ? `${e.workload.kind}/${e.workload.name}` : null,
    ip: e.ip ?? e.externalGroup,
  };
}

function refOf(f: Flow): FlowRef {
  return {
    time: f.time,
    cluster: f.cluster,
    src: endpointOf(f.src),
    dst: endpointOf(f.dst),
    protocol: f.protocol,
    port: f.port,
    verdict: f.verdict,
  };
}

/** The connection's identity: who to whom on which port, whatever the pod or the time. */
function connectionKey(r: FlowRef): string {
  const side = (e: FlowRefEndpoint): string => `${e.namespace}/${e.workload ?? e.pod ?? e.ip}`;
  return `${side(r.src)}>${side(r.dst)}:${r.port}/${r.protocol}`;
}

/** @example const refs = await findingFlowRefs(ctx, findings) */
export async function findingFlowRefs(
  ctx: GovernanceContext,
  findings: readonly Finding[],
): Promise<FlowRef[]> {
  const out = new Map<string, FlowRef>();
  for (const f of findings) {
    const page = await ctx.store.queryFlows(evidenceFlowFilter(f), { limit: 200 });
    let taken = 0;
    for (const flow of page.flows) {
      if (taken >= PER_FINDING || out.size >= TOTAL) break;
      const ref = refOf(flow);
      const key = connectionKey(ref);
      if (out.has(key)) continue;
      out.set(key, ref);
      taken += 1;
    }
  }
  return [...out.values()];
}
