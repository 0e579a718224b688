/** Every port and protocol a connection between two endpoints is allowed on. */
import type { Endpoint } from './endpoint.js';
import type { ClusterModel } from './model.js';
import { type EvalOptions, ruleMatchesPeer } from './peer-match.js';
import {
  emptyPortSet,
  fullPortSet,
  intersectPortSets,
  MAX_PORT,
  MIN_PORT,
  normalizeRanges,
  type PortRange,
  type PortSet,
} from './port-set.js';
import { resolveNamedPort } from './ports.js';
import type { Pod, PolicyDirection } from './types.js';
import { POLICY_PROTOCOLS } from './types.js';

function sidePorts(
  model: ClusterModel,
  direction: PolicyDirection,
  subject: Pod,
  other: Endpoint,
  target: Pod | null,
  ipm: boolean,
): PortSet {
  const ids =
    (direction === 'ingress' ? model.index.ingressOf : model.index.egressOf)[subject.id] ?? [];
  if (ids.length === 0) return fullPortSet();
  const acc: Record<string, PortRange[]> = { TCP: [], UDP: [], SCTP: [] };
  for (const pi of ids) {
    for (const r of model.index.policies[pi]![direction]) {
      if (!ruleMatchesPeer(r, other, ipm)) continue;
      if (r.rule.ports === null) return fullPortSet();
      for (const p of r.rule.ports) {
        const list = acc[p.protocol]!;
        if (p.name !== undefined) {
          const n = resolveNamedPort(target, p.name, p.protocol);
          if (n !== undefined) list.push([n, n]);
        } else if (p.port === undefined) list.push([MIN_PORT, MAX_PORT]);
        else list.push([p.port, p.endPort ?? p.port]);
      }
    }
  }
  const out = emptyPortSet();
  for (const proto of POLICY_PROTOCOLS) out[proto] = normalizeRanges(acc[proto]!);
  return out;
}

/**
 * The ports and protocols on which `src` may connect to `dst`: egress at the source
 * intersected with ingress at the destination (an external side allows everything).
 *
 * @example
 * allowedPortsBetween(model, web, db); // { TCP: [[5432, 5432]], UDP: [], SCTP: [] }
 */
export function allowedPortsBetween(
  model: ClusterModel,
  src: Endpoint,
  dst: Endpoint,
  options: EvalOptions = {},
): PortSet {
  const ipm = options.ipBlockMatchesPods ?? true;
  const target = dst.kind === 'pod' ? dst.pod : null;
  const egress =
    src.kind === 'pod' ? sidePorts(model, 'egress', src.pod, dst, target, ipm) : fullPortSet();
  const ingress =
    dst.kind === 'pod' ? sidePorts(model, 'ingress', dst.pod, src, target, ipm) : fullPortSet();
  return intersectPortSets(egress, ingress);
}
