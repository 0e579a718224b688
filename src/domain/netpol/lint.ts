/**
 * Policy lint: gaps (workloads and namespaces nothing isolates), dead policies and selectors,
 * and rules broader than they look. Each finding says what to change.
 */
import { bitsetCount } from './bitset.js';
import type { ClusterModel } from './model.js';
import type { PolicyIndex, RuleIndex } from './model-index.js';
import { formatSelector, matchesSelector } from './selector.js';
import type { NetworkPolicy, Pod, PolicyDirection, PolicyPeer } from './types.js';
import { workloadDisplayName, workloadKey } from './workloads.js';

export const SEVERITIES = ['high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Finding {
  /** Stable identifier, e.g. `NP003`. */
  id: string;
  /** Readable code, e.g. `no-default-deny-ingress`. */
  code: string;
  severity: Severity;
  subject: { kind: 'namespace' | 'policy' | 'workload'; name: string };
  message: string;
  fix: string;
}

const cap = (d: PolicyDirection): string => (d === 'ingress' ? 'Ingress' : 'Egress');

function denyAllYaml(ns: string, d: PolicyDirection): string {
  return `{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: default-deny-${d}, namespace: ${ns}}, spec: {podSelector: {}, policyTypes: [${cap(d)}]}}`;
}

function isolationFindings(model: ClusterModel, out: Finding[]): void {
  const byWorkload = new Map<string, Pod[]>();
  for (const p of model.pods) {
    const k = workloadKey(p.workload);
    byWorkload.set(k, [...(byWorkload.get(k) ?? []), p]);
  }
  for (const pods of byWorkload.values()) {
    const w = pods[0]!.workload;
    for (const d of ['ingress', 'egress'] as const) {
      const of = d === 'ingress' ? model.index.ingressOf : model.index.egressOf;
      const open = pods.filter((p) => (of[p.id] ?? []).length === 0);
      if (open.length === 0) continue;
      out.push({
        id: d === 'ingress' ? 'NP001' : 'NP002',
        code: `no-${d}-isolation`,
        severity: d === 'ingress' ? 'medium' : 'low',
        subject: { kind: 'workload', name: workloadDisplayName(w) },
        message: `no policy selects ${open.length === pods.length ? 'it' : `${open.length} of its ${pods.length} pods`} for ${d}: all ${d} traffic is allowed`,
        fix: `apply a policy selecting its pods with policyTypes [${cap(d)}] and only the ${d} rules it needs, or a default deny in namespace ${w.namespace}: ${denyAllYaml(w.namespace, d)}`,
      });
    }
  }
}

function isDefaultDeny(p: NetworkPolicy, d: PolicyDirection): boolean {
  return p.podSelector.requirements.length === 0 && p.affects[d] && p[d].length === 0;
}

function defaultDenyFindings(model: ClusterModel, out: Finding[]): void {
  for (const ns of [...model.namespaces.keys()].sort()) {
    if ((model.index.podsByNamespace.get(ns) ?? []).length === 0) continue;
    for (const d of ['ingress', 'egress'] as const) {
      if (model.policies.some((p) => p.namespace === ns && isDefaultDeny(p, d))) continue;
      out.push({
        id: d === 'ingress' ? 'NP003' : 'NP004',
        code: `no-default-deny-${d}`,
        severity: d === 'ingress' ? 'medium' : 'low',
        subject: { kind: 'namespace', name: ns },
        message: `namespace ${ns} has no default deny for ${d}: pods that no policy selects for ${d} are unrestricted`,
        fix: `apply ${denyAllYaml(ns, d)} after allowing the ${d} traffic its workloads need`,
      });
    }
  }
}

function ruleLabel(d: PolicyDirection, r: RuleIndex): string {
  return `${d} rule ${r.rule.index}`;
}

function peerText(p: PolicyPeer): string {
  if (p.kind === 'ipBlock') return `ipBlock ${p.cidr.text}`;
  const parts: string[] = [];
  if (p.namespaceSelector) parts.push(`namespaceSelector ${formatSelector(p.namespaceSelector)}`);
  if (p.podSelector) parts.push(`podSelector ${formatSelector(p.podSelector)}`);
  return parts.join(' + ');
}

function ruleFindings(model: ClusterModel, pi: PolicyIndex, out: Finding[]): void {
  const policy = pi.policy;
  const subject = { kind: 'policy' as const, name: policy.id };
  for (const d of ['ingress', 'egress'] as const) {
    const fromTo = d === 'ingress' ? 'from' : 'to';
    for (const r of pi[d]) {
      const where = ruleLabel(d, r);
      const allPorts = r.rule.ports === null;
      if (r.peers === null) {
        out.push({
          id: 'NP008',
          code: `${d}-any-peer`,
          severity: d === 'ingress' && allPorts ? 'high' : d === 'ingress' ? 'medium' : 'low',
          subject,
          message: `${where} has no ${fromTo}: it allows ${allPorts ? 'every port ' : ''}${fromTo} every pod of every namespace and every address`,
          fix: `list the peers in spec.${d}[${r.rule.index - 1}].${fromTo} (podSelector with namespaceSelector kubernetes.io/metadata.name, or a narrow ipBlock)${allPorts ? ' and the ports' : ''}`,
        });
        continue;
      }
      let outside = false;
      for (const peer of r.peers) {
        const p = peer.peer;
        if (p.kind === 'ipBlock') {
          outside = true;
          if (p.cidr.prefix === 0)
            out.push({
              id: 'NP009',
              code: 'ipblock-everything',
              severity: d === 'ingress' ? 'medium' : 'low',
              subject,
              message: `${where} allows ${d} ${fromTo} ${p.cidr.text}${p.except.length > 0 ? ` except ${p.except.map((e) => e.text).join(', ')}` : ''}: every address`,
              fix: `narrow spec.${d}[${r.rule.index - 1}].${fromTo} ipBlock ${p.cidr.text} to the ranges really needed (a load balancer's or partner's CIDR)`,
            });
          continue;
        }
        const nsSel = p.namespaceSelector;
        if (nsSel) {
          const matched = [...model.namespaces.values()].filter((ns) =>
            matchesSelector(nsSel, ns.labels),
          );
          if (matched.some((ns) => ns.name !== policy.namespace)) outside = true;
          if (matched.length === 0) {
            out.push({
              id: 'NP006',
              code: 'namespace-selector-matches-nothing',
              severity: 'medium',
              subject,
              message: `${where}: ${peerText(p)} matches no namespace`,
              fix: `fix the namespaceSelector (select namespaces by kubernetes.io/metadata.name) or label the intended namespace`,
            });
            continue;
          }
          if (nsSel.requirements.length === 0)
            out.push({
              id: 'NP010',
              code: `${d}-all-namespaces`,
              severity:
                d === 'ingress' &&
                (p.podSelector === null || p.podSelector.requirements.length === 0)
                  ? 'medium'
                  : 'low',
              subject,
              message: `${where}: ${peerText(p)} matches ${p.podSelector && p.podSelector.requirements.length > 0 ? 'those pods' : 'every pod'} in every namespace`,
              fix: `replace namespaceSelector {} with the namespaces really needed, e.g. namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: <namespace>}}`,
            });
        }
        if (bitsetCount(peer.pods) === 0)
          out.push({
            id: 'NP007',
            code: 'pod-selector-matches-nothing',
            severity: 'low',
            subject,
            message: `${where}: ${peerText(p)} matches no pod${nsSel ? '' : ` in ${policy.namespace}`}`,
            fix: `fix the selector to labels the intended pods carry (see their app.kubernetes.io/name or app label), or remove the peer`,
          });
      }
      if (d === 'ingress' && allPorts && outside)
        out.push({
          id: 'NP011',
          code: 'all-ports-from-outside',
          severity: 'medium',
          subject,
          message: `${where} allows every port and protocol from outside namespace ${policy.namespace}`,
          fix: `add ports to spec.ingress[${r.rule.index - 1}] listing only the ports the workload serves`,
        });
    }
  }
}

const ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2, info: 3 };

/**
 * @example
 * lintModel(model).filter((f) => f.severity === 'high');
 */
export function lintModel(model: ClusterModel): Finding[] {
  const out: Finding[] = [];
  isolationFindings(model, out);
  defaultDenyFindings(model, out);
  for (const pi of model.index.policies) {
    if (bitsetCount(pi.selected) === 0)
      out.push({
        id: 'NP005',
        code: 'policy-selects-nothing',
        severity: 'low',
        subject: { kind: 'policy', name: pi.policy.id },
        message: `podSelector ${formatSelector(pi.policy.podSelector)} selects no pod in ${pi.policy.namespace}`,
        fix: `correct spec.podSelector to the labels of the intended pods, or delete the policy if its workload is gone`,
      });
    ruleFindings(model, pi, out);
  }
  return out.sort(
    (a, b) =>
      ORDER[a.severity] - ORDER[b.severity] ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) ||
      (a.subject.name < b.subject.name ? -1 : a.subject.name > b.subject.name ? 1 : 0),
  );
}

/** True when some finding is at or above `threshold`. */
export function hasFindingAtOrAbove(findings: readonly Finding[], threshold: Severity): boolean {
  return findings.some((f) => ORDER[f.severity] <= ORDER[threshold]);
}
