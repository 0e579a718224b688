/**
 * Endpoints of a requested flow: `ns/pod`, `ns/workload-name`, or an IP/CIDR outside the
 * cluster. A pod stands for its whole workload, since policies select by labels and every
 * replica carries the same ones.
 */
import { type Cidr, parseCidr, parseIp } from '../ip.js';
import { type Endpoint, ipEndpoint, resolveEndpoint } from './endpoint.js';
import { formatIp } from './external-ranges.js';
import type { ClusterModel } from './model.js';
import type { Pod, PolicyProtocol, WorkloadRef } from './types.js';
import { POLICY_PROTOCOLS } from './types.js';
import { workloadKey } from './workloads.js';

export type FlowEndpoint =
  | { kind: 'pods'; workload: WorkloadRef; pods: Pod[] }
  | { kind: 'ip'; cidr: Cidr; endpoint: Endpoint };

export interface FlowRequest {
  from: string;
  to: string;
  port: number;
  protocol: PolicyProtocol;
}

/**
 * Parses `<from> -> <to> <port>/<proto>`; the protocol defaults to TCP.
 *
 * @example
 * parseFlow('shop/checkout -> shop/catalog 3550/TCP'); // { flow: { from: 'shop/checkout', … } }
 */
export function parseFlow(text: string): { flow: FlowRequest } | { error: string } {
  const m = /^\s*(\S+)\s*->\s*(\S+)\s+(\d+)(?:\/(\w+))?\s*$/.exec(text);
  if (!m)
    return { error: `expected "<from> -> <to> <port>/<protocol>", got ${JSON.stringify(text)}` };
  const port = Number(m[3]);
  const protocol = (m[4] ?? 'TCP').toUpperCase() as PolicyProtocol;
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    return { error: `port must be 1-65535, got ${m[3]}` };
  if (!POLICY_PROTOCOLS.includes(protocol))
    return { error: `protocol must be TCP, UDP or SCTP, got ${JSON.stringify(m[4])}` };
  return { flow: { from: m[1]!, to: m[2]!, port, protocol } };
}

function workloadPods(model: ClusterModel, ref: WorkloadRef): Pod[] {
  const key = workloadKey(ref);
  return model.pods.filter((p) => workloadKey(p.workload) === key);
}

/** Resolves one side of a flow; a pod name wins over a workload name. */
export function resolveFlowEndpoint(
  model: ClusterModel,
  text: string,
): { endpoint: FlowEndpoint } | { error: string } {
  if (text.includes('/') && parseCidr(text)) {
    const cidr = parseCidr(text)!;
    return {
      endpoint: { kind: 'ip', cidr, endpoint: ipEndpoint(formatIp(cidr.base, cidr.bits))! },
    };
  }
  if (parseIp(text)) {
    const r = resolveEndpoint(model, text);
    if (r.endpoint?.kind === 'pod') {
      const w = r.endpoint.pod.workload;
      return { endpoint: { kind: 'pods', workload: w, pods: workloadPods(model, w) } };
    }
    const ip = parseIp(text)!;
    const cidr = parseCidr(`${text}/${ip.bits}`)!;
    return { endpoint: { kind: 'ip', cidr, endpoint: ipEndpoint(text)! } };
  }
  const r = resolveEndpoint(model, text);
  if (r.endpoint?.kind === 'pod') {
    const w = r.endpoint.pod.workload;
    return { endpoint: { kind: 'pods', workload: w, pods: workloadPods(model, w) } };
  }
  const slash = text.indexOf('/');
  if (slash > 0) {
    const ns = text.slice(0, slash);
    const name = text.slice(slash + 1);
    const hits = model.pods.filter((p) => p.workload.namespace === ns && p.workload.name === name);
    const kinds = new Set(hits.map((p) => workloadKey(p.workload)));
    if (kinds.size > 1)
      return {
        error: `${text} names ${kinds.size} workloads of different kinds; name a pod instead`,
      };
    if (hits[0]) return { endpoint: { kind: 'pods', workload: hits[0].workload, pods: hits } };
  }
  return { error: r.error ?? `unknown pod or workload ${text}` };
}

/** A single endpoint for evaluation: the first pod, or the external address. */
export function representative(e: FlowEndpoint): Endpoint {
  return e.kind === 'pods' ? { kind: 'pod', pod: e.pods[0]! } : e.endpoint;
}
