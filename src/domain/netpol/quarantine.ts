/**
 * Quarantine: isolate one workload in both directions, and say honestly what that achieves.
 * NetworkPolicies are allow-lists that union, so a new deny-all policy cannot cut what another
 * policy selecting the workload still allows. The plan therefore reports the connections
 * that stay allowed and by which policies, and offers the label-based way that does cut
 * everything: label the pods, deny them with a policy on that label, and exclude the label
 * from every allowing policy that selects them.
 */
import { bitsetHas } from './bitset.js';
import type { Connection } from './connlist.js';
import { computeConnlist } from './connlist.js';
import { diffModels, newlyDenied } from './connlist-diff.js';
import type { Endpoint } from './endpoint.js';
import { ipEndpoint } from './endpoint.js';
import { evaluateConnection, type RuleRef } from './evaluate.js';
import { formatIp } from './external-ranges.js';
import { type ClusterModel, NAMESPACE_NAME_LABEL } from './model.js';
import type { EvalOptions } from './peer-match.js';
import { applyChanges, type PolicyManifest, policyManifest } from './policy-spec.js';
import { stableSelector } from './stable-labels.js';
import { policyName } from './suggest.js';
import type { Pod, PolicyProtocol, WorkloadRef } from './types.js';
import { POLICY_PROTOCOLS } from './types.js';
import { workloadDisplayName, workloadKey } from './workloads.js';

export const QUARANTINE_LABEL = 'netsec.io/quarantine';

export interface QuarantineOptions extends EvalOptions {
  /** Keep egress to cluster DNS (kube-system, k8s-app=kube-dns, UDP and TCP 53). */
  keepDns?: boolean;
  /** Keep ingress from this namespace on the workload's metrics ports. */
  keepMonitoring?: string;
}

export interface RemainingConnection {
  connection: Connection;
  /** The rules on the workload's side that still allow it. */
  allowedBy: RuleRef[];
  /** True when only the quarantine's own keep rules (DNS, monitoring) allow it. */
  kept: boolean;
}

export interface QuarantinePlan {
  workload: WorkloadRef;
  pods: number;
  policy: PolicyManifest;
  /** Connections (or ports) the quarantine policy cuts. */
  cut: Connection[];
  /** Connections of the workload that stay allowed with the policy in place. */
  remaining: RemainingConnection[];
  /** The label-based alternative; `patched` is empty when nothing else selects the pods. */
  labelApproach: {
    label: { key: string; value: string };
    podSelector: Record<string, string>;
    denyPolicy: PolicyManifest;
    patched: PolicyManifest[];
    cut: Connection[];
    remaining: RemainingConnection[];
  };
  notes: string[];
}

/** Parses `<ns>/<kind>/<name>` (kind case-insensitive) to the workload's pods. */
export function findWorkload(
  model: ClusterModel,
  text: string,
): { workload: WorkloadRef; pods: Pod[] } | { error: string } {
  const parts = text.split('/');
  if (parts.length !== 3 || parts.some((p) => p === ''))
    return { error: `expected "<namespace>/<kind>/<name>", got ${JSON.stringify(text)}` };
  const [ns, kind, name] = parts as [string, string, string];
  const pods = model.pods.filter(
    (p) =>
      p.workload.namespace === ns &&
      p.workload.name === name &&
      p.workload.kind.toLowerCase() === kind.toLowerCase(),
  );
  if (pods.length === 0) return { error: `unknown workload ${text}` };
  return { workload: pods[0]!.workload, pods };
}

function keepRules(
  pods: readonly Pod[],
  options: QuarantineOptions,
  notes: string[],
): { ingress: object[]; egress: object[] } {
  const egress: object[] = [];
  const ingress: object[] = [];
  if (options.keepDns)
    egress.push({
      to: [
        {
          namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        },
      ],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    });
  if (options.keepMonitoring !== undefined) {
    const names = new Map<string, PolicyProtocol>();
    for (const p of pods)
      for (const cp of p.ports)
        if (cp.name !== undefined && /metric|prom/i.test(cp.name)) names.set(cp.name, cp.protocol);
    if (names.size === 0)
      notes.push('no container port named like "metrics" was found: monitoring ingress not kept');
    else
      ingress.push({
        from: [
          {
            namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: options.keepMonitoring } },
          },
        ],
        ports: [...names].map(([port, protocol]) => ({ protocol, port })),
      });
  }
  return { ingress, egress };
}

function denyAll(
  name: string,
  namespace: string,
  matchLabels: Record<string, string>,
  keep: { ingress: object[]; egress: object[] },
): PolicyManifest {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: {
      podSelector: { matchLabels },
      policyTypes: ['Ingress', 'Egress'],
      ...(keep.ingress.length > 0 && { ingress: keep.ingress }),
      ...(keep.egress.length > 0 && { egress: keep.egress }),
    },
  };
}

function sampleEndpoint(model: ClusterModel, c: Connection, side: 'src' | 'dst'): Endpoint {
  const peer = c[side];
  if (peer.kind === 'external') return ipEndpoint(formatIp(peer.range.first, peer.range.bits))!;
  const key = workloadKey(peer.workload);
  return { kind: 'pod', pod: model.pods.find((p) => workloadKey(p.workload) === key)! };
}

/** Connections of the workload in `model`, with the rules on its side that allow them. */
function remainingOf(
  model: ClusterModel,
  workload: WorkloadRef,
  quarantineIds: ReadonlySet<string>,
  options: EvalOptions,
): RemainingConnection[] {
  const name = workloadDisplayName(workload);
  return computeConnlist(model, options)
    .filter((c) => c.src.name === name || c.dst.name === name)
    .map((connection) => {
      const protocol = POLICY_PROTOCOLS.find((p) => connection.ports[p].length > 0)!;
      const port = connection.ports[protocol][0]![0];
      const e = evaluateConnection(
        model,
        sampleEndpoint(model, connection, 'src'),
        sampleEndpoint(model, connection, 'dst'),
        protocol,
        port,
        options,
      );
      const allowedBy = connection.src.name === name ? e.egress.allowedBy : e.ingress.allowedBy;
      return {
        connection,
        allowedBy,
        kept: allowedBy.length > 0 && allowedBy.every((r) => quarantineIds.has(r.policy)),
      };
    });
}

/**
 * @example
 * const plan = quarantinePlan(model, 'shop/Deployment/cart', { keepDns: true });
 * plan.policy;     // the deny-all NetworkPolicy for the workload
 * plan.remaining;  // what other policies still allow, and which ones
 */
export function quarantinePlan(
  model: ClusterModel,
  workloadText: string,
  options: QuarantineOptions = {},
): QuarantinePlan {
  const found = findWorkload(model, workloadText);
  if ('error' in found) throw new Error(found.error);
  const { workload, pods } = found;
  const notes: string[] = [];
  const sel = stableSelector(model, pods);
  if (!sel)
    throw new Error(`${workloadDisplayName(workload)} has no stable labels to select it by`);
  if (!sel.exact)
    notes.push(
      `its stable labels also select ${sel.selected.length - pods.length} other pod(s) of ${workload.namespace}; they are quarantined too`,
    );
  const keep = keepRules(pods, options, notes);
  const ns = workload.namespace;
  const policy = denyAll(
    policyName(['netsec-quarantine', workload.name]),
    ns,
    sel.matchLabels,
    keep,
  );
  const after = applyChanges(model, [policy]);
  const ownId = new Set([`${ns}/${policy.metadata.name}`]);

  const label = { key: QUARANTINE_LABEL, value: 'true' };
  const denyPolicy = denyAll('netsec-quarantine', ns, { [label.key]: label.value }, keep);
  const podIds = new Set(pods.map((p) => p.id));
  const patched = model.policies
    .filter(
      (p) =>
        p.namespace === ns &&
        (p.ingress.length > 0 || p.egress.length > 0) &&
        model.index.policies.some(
          (pi) => pi.policy === p && [...podIds].some((id) => bitsetHas(pi.selected, id)),
        ),
    )
    .map((p) => {
      const m = policyManifest(p);
      const podSelector = m.spec.podSelector as { matchExpressions?: object[] };
      m.spec.podSelector = {
        ...podSelector,
        matchExpressions: [
          ...(podSelector.matchExpressions ?? []),
          { key: label.key, operator: 'NotIn', values: [label.value] },
        ],
      };
      return m;
    });
  const labelled = applyChanges(
    model,
    [denyPolicy, ...patched],
    new Map(pods.map((p) => [p.id, { [label.key]: label.value }])),
  );
  const labelIds = new Set([`${ns}/netsec-quarantine`]);
  return {
    workload,
    pods: pods.length,
    policy,
    cut: newlyDenied(diffModels(model, after, options)),
    remaining: remainingOf(after, workload, ownId, options),
    labelApproach: {
      label,
      podSelector: sel.matchLabels,
      denyPolicy,
      patched,
      cut: newlyDenied(diffModels(model, labelled, options)),
      remaining: remainingOf(labelled, workload, labelIds, options),
    },
    notes,
  };
}
