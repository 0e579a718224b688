/**
 * Implements the dashboard's PolicyEnginePort over a loaded ClusterModel with the engine of
 * src/domain/netpol: coverage per namespace, policy detail, and explained connection tests.
 */
import { stringify } from 'yaml';

import type {
  Explanation,
  PoliciesResponse,
  PolicyDetailResponse,
  PolicySummary,
  SuggestedFix,
} from '../../api/dashboard-schema.js';
import {
  type ClusterModel,
  type DirectionExplanation,
  type Endpoint,
  endpointText,
  evaluateConnection,
  formatPolicyPort,
  formatPortSet,
  isolation,
  type LabelSelector,
  type NetworkPolicy,
  type PolicyPeer,
  type PolicyRule,
  resolveEndpoint,
  suggestChange,
} from '../../domain/netpol/index.js';
import type { ConnectionProbe, PolicyEnginePort } from './policy-port.js';

function selectorText(s: LabelSelector | null, empty: string): string {
  if (!s) return empty;
  const parts = [
    ...Object.entries(s.source.matchLabels).map(([k, v]) => `${k}=${v}`),
    ...s.source.matchExpressions.map((e) => `${e.key} ${e.operator} (${e.values.join(', ')})`),
  ];
  return parts.length === 0 ? empty : parts.join(', ');
}

function peerText(p: PolicyPeer, policyNs: string): string {
  if (p.kind === 'ipBlock') {
    const except = p.except.map((c) => c.text);
    return `ipBlock ${p.cidr.text}${except.length ? ` except ${except.join(', ')}` : ''}`;
  }
  const ns = p.namespaceSelector
    ? `namespaces with ${selectorText(p.namespaceSelector, 'any labels')}`
    : `namespace ${policyNs}`;
  return `pods with ${selectorText(p.podSelector, 'any labels')} in ${ns}`;
}

function rulePeers(r: PolicyRule, ns: string): string {
  return r.peers === null ? 'any peer' : r.peers.map((p) => peerText(p, ns)).join('; ');
}

function rulePorts(r: PolicyRule): string {
  return r.ports === null ? 'any port' : r.ports.map((p) => formatPolicyPort(p, null)).join(', ');
}

function manifestOf(p: NetworkPolicy): unknown {
  const sel = (s: LabelSelector | null): unknown =>
    s === null
      ? undefined
      : {
          ...(Object.keys(s.source.matchLabels).length
            ? { matchLabels: s.source.matchLabels }
            : {}),
          ...(s.source.matchExpressions.length
            ? { matchExpressions: s.source.matchExpressions }
            : {}),
        };
  const peer = (x: PolicyPeer): unknown =>
    x.kind === 'ipBlock'
      ? {
          ipBlock: {
            cidr: x.cidr.text,
            ...(x.except.length ? { except: x.except.map((c) => c.text) } : {}),
          },
        }
      : {
          ...(x.namespaceSelector ? { namespaceSelector: sel(x.namespaceSelector) } : {}),
          ...(x.podSelector ? { podSelector: sel(x.podSelector) } : {}),
        };
  const rule = (r: PolicyRule, side: 'from' | 'to'): unknown => ({
    ...(r.peers ? { [side]: r.peers.map(peer) } : {}),
    ...(r.ports
      ? {
          ports: r.ports.map((x) => ({
            protocol: x.protocol,
            ...(x.port !== undefined ? { port: x.port } : {}),
            ...(x.name !== undefined ? { port: x.name } : {}),
            ...(x.endPort !== undefined ? { endPort: x.endPort } : {}),
          })),
        }
      : {}),
  });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace: p.namespace, name: p.name },
    spec: {
      podSelector: sel(p.podSelector) ?? {},
      policyTypes: [
        ...(p.affects.ingress ? ['Ingress'] : []),
        ...(p.affects.egress ? ['Egress'] : []),
      ],
      ...(p.ingress.length ? { ingress: p.ingress.map((r) => rule(r, 'from')) } : {}),
      ...(p.egress.length ? { egress: p.egress.map((r) => rule(r, 'to')) } : {}),
    },
  };
}

function sideSteps(side: 'egress' | 'ingress', subject: string, d: DirectionExplanation): string[] {
  if (!d.evaluated)
    return [`${side}: ${subject} is outside the cluster; its policies are not evaluated`];
  if (!d.isolated)
    return [`${side}: no policy selects ${subject} for ${side}, so everything is allowed`];
  if (d.allowed) return d.allowedBy.map((a) => `${side}: allowed by ${a.policy} rule ${a.rule}`);
  return d.deniedBy.map((x) => `${side}: ${x.policy} ${x.detail}`);
}

export function createPolicyEnginePort(model: ClusterModel): PolicyEnginePort {
  const podsOf = (ns: string): ClusterModel['pods'] => model.pods.filter((p) => p.namespace === ns);
  const summary = (p: NetworkPolicy): PolicySummary => {
    const selected = new Set<string>();
    for (const pod of podsOf(p.namespace)) {
      if (
        isolation(model, pod.id, 'ingress').includes(p.id) ||
        isolation(model, pod.id, 'egress').includes(p.id)
      ) {
        selected.add(pod.workload.name);
      }
    }
    return {
      namespace: p.namespace,
      name: p.name,
      policyTypes: [
        ...(p.affects.ingress ? ['Ingress'] : []),
        ...(p.affects.egress ? ['Egress'] : []),
      ],
      podSelector: selectorText(p.podSelector, 'every pod'),
      selectedWorkloads: [...selected].sort(),
      ingressRules: p.ingress.length,
      egressRules: p.egress.length,
    };
  };

  const resolve = (text: string): Endpoint | null => {
    const r = resolveEndpoint(model, text);
    if (r.endpoint) return r.endpoint;
    // `namespace/workload`: any pod of that workload stands for it.
    const slash = text.indexOf('/');
    if (slash <= 0) return null;
    const ns = text.slice(0, slash);
    const name = text.slice(slash + 1);
    const pod = model.pods.find((p) => p.namespace === ns && p.workload.name === name);
    return pod ? { kind: 'pod', pod } : null;
  };

  return {
    listPolicies(namespaces): PoliciesResponse['namespaces'] {
      const names = [...model.namespaces.keys()]
        .filter((n) => !namespaces || namespaces.includes(n))
        .sort();
      return names.map((ns) => {
        const pods = podsOf(ns);
        const workloads = new Set(pods.map((p) => p.workload.name));
        const open = (dir: 'ingress' | 'egress'): string[] =>
          [
            ...new Set(
              pods
                .filter((p) => isolation(model, p.id, dir).length === 0)
                .map((p) => p.workload.name),
            ),
          ].sort();
        return {
          namespace: ns,
          policies: model.policies.filter((p) => p.namespace === ns).map(summary),
          workloads: workloads.size,
          unisolatedIngress: open('ingress'),
          unisolatedEgress: open('egress'),
        };
      });
    },
    policyDetail(namespace, name): PolicyDetailResponse | null {
      const p = model.policies.find((x) => x.namespace === namespace && x.name === name);
      if (!p) return null;
      return {
        policy: summary(p),
        yaml: stringify(manifestOf(p)),
        allows: [
          ...p.ingress.map((r) => ({
            direction: 'ingress' as const,
            peers: rulePeers(r, p.namespace),
            ports: rulePorts(r),
          })),
          ...p.egress.map((r) => ({
            direction: 'egress' as const,
            peers: rulePeers(r, p.namespace),
            ports: rulePorts(r),
          })),
        ],
      };
    },
    suggestFix(probe: ConnectionProbe): SuggestedFix | null {
      let s;
      try {
        s = suggestChange(model, probe);
      } catch {
        // An endpoint the model cannot resolve, or no stable labels to select it by.
        return null;
      }
      if (s.alreadyAllowed || s.changes.length === 0) return null;
      const yaml = s.changes
        .map((c) => `# ${c.action} ${c.policy}: ${c.reason}\n${stringify(c.manifest)}`)
        .join('---\n');
      const MAX = 50;
      const radius = [
        ...s.blastRadius.map(
          (c) => `also allows ${c.src.name} → ${c.dst.name} ${formatPortSet(c.ports)}`,
        ),
        ...s.alsoDenies.map(
          (c) => `newly denies ${c.src.name} → ${c.dst.name} ${formatPortSet(c.ports)}`,
        ),
      ];
      return {
        yaml,
        blastRadius: [
          ...(radius.length === 0 ? ['nothing else: only the requested connection is opened'] : []),
          ...radius.slice(0, MAX),
          ...(radius.length > MAX ? [`… and ${radius.length - MAX} more`] : []),
          ...(s.verified ? [] : ['not verified for every pod pair: check before applying']),
          ...s.notes,
        ],
      };
    },
    explain(probe: ConnectionProbe): Explanation | null {
      const src = resolve(probe.from);
      const dst = resolve(probe.to);
      if (!src || !dst) return null;
      const e = evaluateConnection(model, src, dst, probe.protocol, probe.port);
      const s = endpointText(src);
      const d = endpointText(dst);
      const what = `${s} → ${d} on ${probe.port}/${probe.protocol}`;
      let summaryText = `${what} is allowed`;
      if (!e.allowed) {
        const side = !e.ingress.allowed ? 'ingress' : 'egress';
        const at = side === 'ingress' ? d : s;
        const denials = (side === 'ingress' ? e.ingress : e.egress).deniedBy;
        const other = side === 'ingress' ? s : d;
        const first = denials[0];
        summaryText =
          denials.length > 1
            ? `Denied at ${side} of ${at}: ${denials.map((x) => x.policy).join(', ')} select it and no ${side} rule allows ${other} on ${probe.port}/${probe.protocol}`
            : `Denied at ${side} of ${at}${first ? `: policy ${first.policy} ${first.detail}` : ''}`;
      }
      return {
        allowed: e.allowed,
        summary: summaryText,
        steps: [...sideSteps('egress', s, e.egress), ...sideSteps('ingress', d, e.ingress)],
      };
    },
  };
}
