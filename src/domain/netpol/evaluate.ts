/**
 * The evaluator: is a connection allowed, and why. A connection needs egress allowed at the
 * source pod AND ingress allowed at the destination pod; an external (IP) side is not
 * evaluated. Policies are unioned: any allowing rule of any selecting policy suffices.
 */
import type { Endpoint } from './endpoint.js';
import { endpointText } from './endpoint.js';
import type { ClusterModel } from './model.js';
import type { RuleIndex } from './model-index.js';
import { type EvalOptions, ruleMatchesPeer } from './peer-match.js';
import { formatPolicyPort, matchRulePorts } from './ports.js';
import type { Pod, PolicyDirection, PolicyProtocol, PolicyRule } from './types.js';

export interface RuleRef {
  /** `namespace/name`. */
  policy: string;
  /** 1-based rule index within the direction's rule list. */
  rule: number;
}

export type DenyReason = 'no-rules' | 'no-peer-matched' | 'port-mismatch' | 'named-port-not-found';

export interface Denial {
  policy: string;
  reason: DenyReason;
  /** The rule whose peer matched (for `port-mismatch` and `named-port-not-found`). */
  rule?: number;
  /** For people, e.g. `rule 1 allows 80/TCP, not 8080/TCP`. */
  detail: string;
}

export interface DirectionExplanation {
  /** False when this side is an external IP: its policies are not ours to evaluate. */
  evaluated: boolean;
  /** True when at least one policy selects the pod for this direction. */
  isolated: boolean;
  allowed: boolean;
  allowedBy: RuleRef[];
  /** Every selecting policy with the reason it did not allow; empty when allowed. */
  deniedBy: Denial[];
}

export interface ConnectionExplanation {
  allowed: boolean;
  egress: DirectionExplanation;
  ingress: DirectionExplanation;
}

// Port lists without named ports read the same for every destination: format them once.
const portListCache = new WeakMap<PolicyRule, string>();

function listPorts(rule: PolicyRule, target: Pod | null): string {
  const cached = portListCache.get(rule);
  if (cached !== undefined) return cached;
  const ports = rule.ports ?? [];
  const text = ports.map((p) => formatPolicyPort(p, target)).join(', ');
  if (ports.every((p) => p.name === undefined)) portListCache.set(rule, text);
  return text;
}

const NOT_EVALUATED: DirectionExplanation = {
  evaluated: false,
  isolated: false,
  allowed: true,
  allowedBy: [],
  deniedBy: [],
};

function explainSide(
  model: ClusterModel,
  direction: PolicyDirection,
  subject: Pod,
  other: Endpoint,
  target: Pod | null,
  protocol: PolicyProtocol,
  port: number,
  ipMatchesPods: boolean,
): DirectionExplanation {
  const policyIds =
    (direction === 'ingress' ? model.index.ingressOf : model.index.egressOf)[subject.id] ?? [];
  const allowedBy: RuleRef[] = [];
  const deniedBy: Denial[] = [];
  const probe = `${port}/${protocol}`;
  for (const pi of policyIds) {
    const entry = model.index.policies[pi]!;
    const id = entry.policy.id;
    const rules: readonly RuleIndex[] = entry[direction];
    let firstPeerMatch: { r: RuleIndex; verdict: 'mismatch' | 'named-unresolved' } | undefined;
    let allowedHere = false;
    for (const r of rules) {
      if (!ruleMatchesPeer(r, other, ipMatchesPods)) continue;
      const verdict = matchRulePorts(r.rule.ports, protocol, port, target);
      if (verdict === 'match') {
        allowedBy.push({ policy: id, rule: r.rule.index });
        allowedHere = true;
      } else if (!firstPeerMatch) {
        firstPeerMatch = { r, verdict };
      }
    }
    if (allowedHere) continue;
    if (rules.length === 0) {
      deniedBy.push({
        policy: id,
        reason: 'no-rules',
        detail: `selects ${subject.namespace}/${subject.name} for ${direction} and has no ${direction} rules`,
      });
    } else if (!firstPeerMatch) {
      deniedBy.push({
        policy: id,
        reason: 'no-peer-matched',
        detail: `no ${direction} rule matches ${endpointText(other)}`,
      });
    } else {
      const rule = firstPeerMatch.r.rule;
      const listed = listPorts(rule, target);
      const named = firstPeerMatch.verdict === 'named-unresolved';
      const dest = target ? `${target.namespace}/${target.name}` : 'an external destination';
      deniedBy.push({
        policy: id,
        reason: named ? 'named-port-not-found' : 'port-mismatch',
        rule: rule.index,
        detail: named
          ? `rule ${rule.index} names ports ${listed} that ${dest} does not declare`
          : `rule ${rule.index} allows ${listed}, not ${probe}`,
      });
    }
  }
  const isolated = policyIds.length > 0;
  const allowed = !isolated || allowedBy.length > 0;
  return { evaluated: true, isolated, allowed, allowedBy, deniedBy: allowed ? [] : deniedBy };
}

/**
 * Evaluates one connection and explains both directions.
 *
 * @example
 * const src = resolveEndpoint(model, 'shop/web-1').endpoint!;
 * const dst = resolveEndpoint(model, 'shop/db-0').endpoint!;
 * const e = evaluateConnection(model, src, dst, 'TCP', 5432);
 * e.allowed;             // false
 * e.ingress.deniedBy[0]; // { policy: 'shop/db', reason: 'port-mismatch', rule: 1, detail: 'rule 1 allows 3306/TCP, not 5432/TCP' }
 */
export function evaluateConnection(
  model: ClusterModel,
  src: Endpoint,
  dst: Endpoint,
  protocol: PolicyProtocol,
  port: number,
  options: EvalOptions = {},
): ConnectionExplanation {
  const ipm = options.ipBlockMatchesPods ?? true;
  const target = dst.kind === 'pod' ? dst.pod : null;
  const egress =
    src.kind === 'pod'
      ? explainSide(model, 'egress', src.pod, dst, target, protocol, port, ipm)
      : NOT_EVALUATED;
  const ingress =
    dst.kind === 'pod'
      ? explainSide(model, 'ingress', dst.pod, src, target, protocol, port, ipm)
      : NOT_EVALUATED;
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

function sideAllowed(
  model: ClusterModel,
  direction: PolicyDirection,
  subject: Pod,
  other: Endpoint,
  target: Pod | null,
  protocol: PolicyProtocol,
  port: number,
  ipm: boolean,
): boolean {
  const policyIds =
    (direction === 'ingress' ? model.index.ingressOf : model.index.egressOf)[subject.id] ?? [];
  if (policyIds.length === 0) return true;
  for (const pi of policyIds) {
    for (const r of model.index.policies[pi]![direction]) {
      if (
        ruleMatchesPeer(r, other, ipm) &&
        matchRulePorts(r.rule.ports, protocol, port, target) === 'match'
      )
        return true;
    }
  }
  return false;
}

/**
 * The verdict alone, without building an explanation: for bulk use (connectivity maps).
 *
 * @example
 * isConnectionAllowed(model, src, dst, 'UDP', 53, { ipBlockMatchesPods: false }); // true
 */
export function isConnectionAllowed(
  model: ClusterModel,
  src: Endpoint,
  dst: Endpoint,
  protocol: PolicyProtocol,
  port: number,
  options: EvalOptions = {},
): boolean {
  const ipm = options.ipBlockMatchesPods ?? true;
  const target = dst.kind === 'pod' ? dst.pod : null;
  if (
    src.kind === 'pod' &&
    !sideAllowed(model, 'egress', src.pod, dst, target, protocol, port, ipm)
  )
    return false;
  return (
    dst.kind !== 'pod' || sideAllowed(model, 'ingress', dst.pod, src, target, protocol, port, ipm)
  );
}

/**
 * The policies (`ns/name`) that isolate a pod for a direction; empty = not isolated.
 *
 * @example
 * isolation(model, pod.id, 'egress'); // ['shop/default-deny']
 */
export function isolation(
  model: ClusterModel,
  podId: number,
  direction: PolicyDirection,
): string[] {
  const ids = (direction === 'ingress' ? model.index.ingressOf : model.index.egressOf)[podId] ?? [];
  return ids.map((i) => model.index.policies[i]!.policy.id);
}
