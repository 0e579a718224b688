/**
 * Turns compiled policies back into `networking.k8s.io/v1` manifests, and a model back into
 * the input it can be rebuilt from: suggestions and quarantines change a few policies and
 * rebuild the model to measure what that change does.
 */
import { buildClusterModel, type ClusterModel, NAMESPACE_NAME_LABEL } from './model.js';
import type {
  ClusterInput,
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyInput,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
} from './types.js';

/** A NetworkPolicy object as `kubectl apply` takes it. */
export interface PolicyManifest {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: { name: string; namespace: string };
  spec: Record<string, unknown>;
}

export function selectorSpec(s: LabelSelector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (Object.keys(s.source.matchLabels).length > 0) out.matchLabels = { ...s.source.matchLabels };
  if (s.source.matchExpressions.length > 0)
    out.matchExpressions = s.source.matchExpressions.map((e) =>
      e.operator === 'In' || e.operator === 'NotIn'
        ? { key: e.key, operator: e.operator, values: [...e.values] }
        : { key: e.key, operator: e.operator },
    );
  return out;
}

function peerSpec(p: PolicyPeer): Record<string, unknown> {
  if (p.kind === 'ipBlock')
    return {
      ipBlock: {
        cidr: p.cidr.text,
        ...(p.except.length > 0 && { except: p.except.map((e) => e.text) }),
      },
    };
  return {
    ...(p.namespaceSelector && { namespaceSelector: selectorSpec(p.namespaceSelector) }),
    ...(p.podSelector && { podSelector: selectorSpec(p.podSelector) }),
  };
}

function portSpec(p: PolicyPort): Record<string, unknown> {
  return {
    protocol: p.protocol,
    ...(p.name !== undefined && { port: p.name }),
    ...(p.port !== undefined && { port: p.port }),
    ...(p.endPort !== undefined && { endPort: p.endPort }),
  };
}

export function ruleSpec(r: PolicyRule, field: 'from' | 'to'): Record<string, unknown> {
  return {
    ...(r.peers !== null && { [field]: r.peers.map(peerSpec) }),
    ...(r.ports !== null && { ports: r.ports.map(portSpec) }),
  };
}

/** The policy as a manifest; compiling its `spec` again yields the same policy. */
export function policyManifest(p: NetworkPolicy): PolicyManifest {
  const policyTypes = [
    ...(p.affects.ingress ? ['Ingress'] : []),
    ...(p.affects.egress ? ['Egress'] : []),
  ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: p.name, namespace: p.namespace },
    spec: {
      podSelector: selectorSpec(p.podSelector),
      policyTypes,
      ...(p.affects.ingress &&
        p.ingress.length > 0 && {
          ingress: p.ingress.map((r) => ruleSpec(r, 'from')),
        }),
      ...(p.affects.egress &&
        p.egress.length > 0 && {
          egress: p.egress.map((r) => ruleSpec(r, 'to')),
        }),
    },
  };
}

/** Rebuildable input for the model: namespaces, pods (with their workloads) and policies. */
export function modelToInput(model: ClusterModel): ClusterInput {
  return {
    namespaces: [...model.namespaces.values()]
      .filter((ns) => ns.declared)
      .map((ns) => ({
        name: ns.name,
        labels: Object.fromEntries([...ns.labels].filter(([k]) => k !== NAMESPACE_NAME_LABEL)),
      })),
    pods: model.pods.map((p) => ({
      namespace: p.namespace,
      name: p.name,
      labels: Object.fromEntries(p.labels),
      ip: p.ip,
      hostNetwork: p.hostNetwork,
      ports: p.ports.map((cp) => ({
        ...(cp.name !== undefined && { name: cp.name }),
        ...(cp.port !== undefined && { containerPort: cp.port }),
        protocol: cp.protocol,
      })),
      workload: p.workload,
    })),
    policies: model.policies.map((p) => ({
      namespace: p.namespace,
      name: p.name,
      spec: policyManifest(p).spec,
    })),
  };
}

/** The manifest as engine input. */
export function manifestInput(m: PolicyManifest): NetworkPolicyInput {
  return { namespace: m.metadata.namespace, name: m.metadata.name, spec: m.spec };
}

/**
 * The model with some policies put in place (same `ns/name` replaces, else added) and pod
 * labels changed, rebuilt from scratch. Throws when a given policy does not compile: callers
 * make these policies, so that is a bug, not bad input.
 */
export function applyChanges(
  model: ClusterModel,
  policies: readonly PolicyManifest[],
  podLabels: ReadonlyMap<number, Record<string, string>> = new Map(),
): ClusterModel {
  const input = modelToInput(model);
  const replaced = new Map(policies.map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, m]));
  // Replace in place so that explanations keep the policies' order.
  const existing = (input.policies ?? []).map((p) => {
    const m = replaced.get(`${p.namespace}/${p.name}`);
    replaced.delete(`${p.namespace}/${p.name}`);
    return m ? manifestInput(m) : p;
  });
  input.policies = [...existing, ...[...replaced.values()].map(manifestInput)];
  input.pods = (input.pods ?? []).map((p, id) => {
    const extra = podLabels.get(id);
    return extra ? { ...p, labels: { ...p.labels, ...extra } } : p;
  });
  const { model: next, errors } = buildClusterModel(input);
  if (errors.length > 0)
    throw new Error(`changed policies do not compile: ${errors[0]!.path}: ${errors[0]!.message}`);
  return next;
}
