/**
 * The smallest NetworkPolicy change that allows one requested connection, and its blast
 * radius: every other connection the change would also allow (or cut), measured as the
 * connectivity diff between the model before and after the change.
 */
import { bitsetCount } from './bitset.js';
import type { Connection, ConnPeer } from './connlist.js';
import { type ConnlistDiff, diffModels, newlyAllowed, newlyDenied } from './connlist-diff.js';
import type { Endpoint } from './endpoint.js';
import { evaluateConnection } from './evaluate.js';
import { rangeContains } from './external-ranges.js';
import {
  type FlowEndpoint,
  type FlowRequest,
  representative,
  resolveFlowEndpoint,
} from './flow-endpoint.js';
import { type ClusterModel, NAMESPACE_NAME_LABEL } from './model.js';
import type { EvalOptions } from './peer-match.js';
import { applyChanges, type PolicyManifest, policyManifest } from './policy-spec.js';
import { emptyPortSet, isPortSetEmpty } from './port-set.js';
import { subtractPortSets } from './port-set-ops.js';
import { stableSelector } from './stable-labels.js';
import type { NetworkPolicy, Pod, PolicyDirection } from './types.js';
import { workloadDisplayName } from './workloads.js';

export interface PolicyChange {
  direction: PolicyDirection;
  action: 'create' | 'edit';
  /** `ns/name` of the policy created or edited. */
  policy: string;
  manifest: PolicyManifest;
  /** Why this change and not another, for people. */
  reason: string;
}

export interface Suggestion {
  flow: FlowRequest;
  alreadyAllowed: boolean;
  changes: PolicyChange[];
  /** Other connections the change newly allows (the requested port excluded). */
  blastRadius: Connection[];
  /** Connections the change cuts (a new policy can isolate pods that were not isolated). */
  alsoDenies: Connection[];
  diff: ConnlistDiff;
  /** The requested connection is allowed for every pod pair after the change. */
  verified: boolean;
  notes: string[];
}

/** A DNS-1123 name of at most 63 characters. */
export function policyName(parts: readonly string[]): string {
  const base = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return base.slice(0, 63).replace(/-$/, '') || 'netsec-allow';
}

function endpointLabel(e: FlowEndpoint): string {
  return e.kind === 'pods' ? workloadDisplayName(e.workload) : e.cidr.text;
}

/** The peer that names `other` in a rule of a policy in `namespace`. */
function peerFor(
  model: ClusterModel,
  other: FlowEndpoint,
  namespace: string,
): Record<string, unknown> {
  if (other.kind === 'ip') return { ipBlock: { cidr: other.cidr.text } };
  const sel = stableSelector(model, other.pods);
  if (!sel) throw new Error(`${endpointLabel(other)} has no stable labels to select it by`);
  const ns = other.workload.namespace;
  return {
    ...(ns !== namespace && {
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } },
    }),
    podSelector: { matchLabels: sel.matchLabels },
  };
}

function sideChange(
  model: ClusterModel,
  direction: PolicyDirection,
  subject: FlowEndpoint & { kind: 'pods' },
  other: FlowEndpoint,
  flow: FlowRequest,
): PolicyChange {
  const rep = subject.pods[0]!;
  const namespace = rep.namespace;
  const rule = {
    [direction === 'egress' ? 'to' : 'from']: [peerFor(model, other, namespace)],
    ports: [{ protocol: flow.protocol, port: flow.port }],
  };
  const sel = stableSelector(model, subject.pods);
  const isolating = (
    (direction === 'ingress' ? model.index.ingressOf : model.index.egressOf)[rep.id] ?? []
  )
    .map((i) => model.index.policies[i]!)
    .map((p) => ({ p, count: bitsetCount(p.selected) }))
    // Fewest pods first; on a tie, a policy with a real podSelector and rules of this
    // direction (its purpose) beats a namespace-wide one or a bare default deny.
    .sort(
      (a, b) =>
        a.count - b.count ||
        rank(a.p.policy, direction) - rank(b.p.policy, direction) ||
        (a.p.policy.id < b.p.policy.id ? -1 : 1),
    );
  const best = isolating[0];
  const label = workloadDisplayName(subject.workload);
  const newCount = sel?.selected.length ?? Infinity;
  // A podSelector of {} would also open the connection for pods created later in the
  // namespace: prefer a new policy on the workload's labels then.
  const editable =
    best && best.count <= newCount && (best.p.policy.podSelector.requirements.length > 0 || !sel);
  if (best && editable) {
    const manifest = policyManifest(best.p.policy);
    const rules = (manifest.spec[direction] as unknown[] | undefined) ?? [];
    manifest.spec[direction] = [...rules, rule];
    const others =
      isolating.length > 1
        ? `; also isolating it: ${isolating
            .slice(1)
            .map(
              (x) =>
                `${x.p.policy.id} (${x.count} pod(s)${x.p.policy.podSelector.requirements.length === 0 ? ', whole namespace' : ''})`,
            )
            .join(', ')}`
        : '';
    return {
      direction,
      action: 'edit',
      policy: best.p.policy.id,
      manifest,
      reason: `adds ${direction} rule ${rules.length + 1} to ${best.p.policy.id}, which already isolates ${label} for ${direction} and selects ${best.count} pod(s), no more than a new policy would${others}`,
    };
  }
  if (!sel) throw new Error(`${label} has no stable labels to select it by`);
  const name = policyName([
    'allow',
    direction,
    subject.workload.name,
    direction === 'egress' ? 'to' : 'from',
    flowPeerName(direction === 'egress' ? flow.to : flow.from),
    `${flow.port}`,
    flow.protocol,
  ]);
  const manifest: PolicyManifest = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: {
      podSelector: { matchLabels: sel.matchLabels },
      policyTypes: [direction === 'egress' ? 'Egress' : 'Ingress'],
      [direction]: [rule],
    },
  };
  const listed = isolating.map((x) => `${x.p.policy.id}: ${x.count}`).join(', ');
  const why = !best
    ? `no policy isolates ${label} for ${direction}`
    : best.count > newCount
      ? `the policies isolating ${label} for ${direction} select more pods (${listed}) than the new policy (${newCount}); editing them would open the connection for those pods too`
      : `the policies isolating ${label} for ${direction} select the whole namespace (${listed}); editing them would also open the connection for pods created there later`;
  return {
    direction,
    action: 'create',
    policy: `${namespace}/${name}`,
    manifest,
    reason: `new policy: ${why}`,
  };
}

function rank(p: NetworkPolicy, direction: PolicyDirection): number {
  return (p.podSelector.requirements.length === 0 ? 2 : 0) + (p[direction].length === 0 ? 1 : 0);
}

function flowPeerName(text: string): string {
  const slash = text.lastIndexOf('/');
  return /^[\d.:a-fA-F]+(\/\d+)?$/.test(text) ? text.replace(/[./:]/g, '-') : text.slice(slash + 1);
}

function allowedEverywhere(
  model: ClusterModel,
  from: FlowEndpoint,
  to: FlowEndpoint,
  flow: FlowRequest,
  options: EvalOptions,
): boolean {
  const ends = (e: FlowEndpoint): Endpoint[] =>
    e.kind === 'pods' ? e.pods.map((pod) => ({ kind: 'pod', pod })) : [e.endpoint];
  return ends(from).every((s) =>
    ends(to).every(
      (d) => evaluateConnection(model, s, d, flow.protocol, flow.port, options).allowed,
    ),
  );
}

function peerIs(peer: ConnPeer, e: FlowEndpoint): boolean {
  if (e.kind === 'pods')
    return peer.kind === 'workload' && peer.name === workloadDisplayName(e.workload);
  return (
    peer.kind === 'external' &&
    rangeContains(peer.range, e.endpoint.kind === 'ip' ? e.endpoint.ip : '')
  );
}

/**
 * @example
 * const s = suggestChange(model, { from: 'shop/checkout', to: 'shop/catalog', port: 3550, protocol: 'TCP' });
 * s.changes[0].manifest; // the NetworkPolicy to apply; s.blastRadius: what else it opens
 */
export function suggestChange(
  model: ClusterModel,
  flow: FlowRequest,
  options: EvalOptions = {},
): Suggestion {
  const src = resolveFlowEndpoint(model, flow.from);
  if ('error' in src) throw new Error(`from: ${src.error}`);
  const dst = resolveFlowEndpoint(model, flow.to);
  if ('error' in dst) throw new Error(`to: ${dst.error}`);
  const from = src.endpoint;
  const to = dst.endpoint;
  if (from.kind === 'ip' && to.kind === 'ip')
    throw new Error('at least one side of the flow must be a pod or workload of the model');
  const empty = { added: [], removed: [], changed: [] };
  const base: Suggestion = {
    flow,
    alreadyAllowed: true,
    changes: [],
    blastRadius: [],
    alsoDenies: [],
    diff: empty,
    verified: true,
    notes: [],
  };
  if (allowedEverywhere(model, from, to, flow, options)) return base;
  const e = evaluateConnection(
    model,
    representative(from),
    representative(to),
    flow.protocol,
    flow.port,
    options,
  );
  const changes: PolicyChange[] = [];
  if (!e.egress.allowed && from.kind === 'pods')
    changes.push(sideChange(model, 'egress', from, to, flow));
  if (!e.ingress.allowed && to.kind === 'pods')
    changes.push(sideChange(model, 'ingress', to, from, flow));
  const after = applyChanges(
    model,
    changes.map((c) => c.manifest),
  );
  const diff = diffModels(model, after, options);
  const requested = { ...emptyPortSet(), [flow.protocol]: [[flow.port, flow.port]] };
  const blastRadius = newlyAllowed(diff)
    .map((c) =>
      peerIs(c.src, from) && peerIs(c.dst, to)
        ? { ...c, ports: subtractPortSets(c.ports, requested) }
        : c,
    )
    .filter((c) => !isPortSetEmpty(c.ports));
  const notes: string[] = [];
  for (const [side, ep] of [
    ['source', from],
    ['destination', to],
  ] as const) {
    if (ep.kind !== 'pods') continue;
    const sel = stableSelector(model, ep.pods);
    if (sel && !sel.exact)
      notes.push(
        `the stable labels of the ${side} (${Object.entries(sel.matchLabels)
          .map(([k, v]) => `${k}=${v}`)
          .join(
            ',',
          )}) also select ${sel.selected.filter((p: Pod) => !ep.pods.includes(p)).length} other pod(s) of its namespace`,
      );
  }
  return {
    ...base,
    alreadyAllowed: false,
    changes,
    blastRadius,
    alsoDenies: newlyDenied(diff),
    diff,
    verified: allowedEverywhere(after, reResolve(after, from), reResolve(after, to), flow, options),
    notes,
  };
}

/** The same endpoint in a rebuilt model (pods are matched by namespace and name). */
function reResolve(model: ClusterModel, e: FlowEndpoint): FlowEndpoint {
  if (e.kind === 'ip') return e;
  const pods = e.pods.map(
    (p) => model.pods[model.index.podByKey.get(`${p.namespace}/${p.name}`)!]!,
  );
  return { ...e, pods };
}
