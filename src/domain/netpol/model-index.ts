/**
 * Evaluation indexes, built once per model so that a probe never scans selectors:
 * per pod, the policies that select it for each direction; per rule peer, the set of pods it
 * matches (and, for ipBlocks, the pods whose IP it contains).
 */
import { cidrContains, parseIp } from '../ip.js';
import { type Bitset, bitsetAdd, newBitset } from './bitset.js';
import { matchesSelector } from './selector.js';
import type { Namespace, NetworkPolicy, Pod, PolicyPeer, PolicyRule } from './types.js';

export interface PeerIndex {
  peer: PolicyPeer;
  /** `pods` peers: the pods matched. `ipBlock` peers: the pods whose IP lies in the block. */
  pods: Bitset;
}

export interface RuleIndex {
  rule: PolicyRule;
  /** null = every peer. */
  peers: readonly PeerIndex[] | null;
}

export interface PolicyIndex {
  policy: NetworkPolicy;
  selected: Bitset;
  ingress: readonly RuleIndex[];
  egress: readonly RuleIndex[];
}

export interface ModelIndex {
  policies: readonly PolicyIndex[];
  /** Per pod id: indexes into `policies` of those isolating it for ingress. */
  ingressOf: readonly (readonly number[])[];
  egressOf: readonly (readonly number[])[];
  podByKey: ReadonlyMap<string, number>;
  /** Non-synthetic pods by IP; several when host-network pods share a node IP. */
  podsByIp: ReadonlyMap<string, readonly number[]>;
  podsByNamespace: ReadonlyMap<string, readonly number[]>;
}

interface IndexInput {
  namespaces: ReadonlyMap<string, Namespace>;
  pods: readonly Pod[];
  policies: readonly NetworkPolicy[];
}

export function buildIndex(m: IndexInput): ModelIndex {
  const podByKey = new Map<string, number>();
  const podsByIp = new Map<string, number[]>();
  const podsByNamespace = new Map<string, number[]>();
  const podAddrs = m.pods.map((p) => (p.ip ? parseIp(p.ip) : null));
  for (const p of m.pods) {
    podByKey.set(`${p.namespace}/${p.name}`, p.id);
    if (p.ip) podsByIp.set(p.ip, [...(podsByIp.get(p.ip) ?? []), p.id]);
    const list = podsByNamespace.get(p.namespace) ?? [];
    list.push(p.id);
    podsByNamespace.set(p.namespace, list);
  }

  const peerPods = (policy: NetworkPolicy, peer: PolicyPeer): Bitset => {
    const set = newBitset(m.pods.length);
    if (peer.kind === 'ipBlock') {
      podAddrs.forEach((addr, id) => {
        if (
          addr &&
          cidrContains(peer.cidr, addr) &&
          !peer.except.some((e) => cidrContains(e, addr))
        )
          bitsetAdd(set, id);
      });
      return set;
    }
    const namespaces =
      peer.namespaceSelector === null
        ? [policy.namespace]
        : [...m.namespaces.values()]
            .filter((ns) => matchesSelector(peer.namespaceSelector!, ns.labels))
            .map((ns) => ns.name);
    for (const ns of namespaces) {
      for (const id of podsByNamespace.get(ns) ?? []) {
        const pod = m.pods[id]!;
        if (peer.podSelector === null || matchesSelector(peer.podSelector, pod.labels))
          bitsetAdd(set, id);
      }
    }
    return set;
  };

  const ingressOf: number[][] = m.pods.map(() => []);
  const egressOf: number[][] = m.pods.map(() => []);
  const policies = m.policies.map((policy, pi): PolicyIndex => {
    const selected = newBitset(m.pods.length);
    for (const id of podsByNamespace.get(policy.namespace) ?? []) {
      if (matchesSelector(policy.podSelector, m.pods[id]!.labels)) {
        bitsetAdd(selected, id);
        if (policy.affects.ingress) ingressOf[id]!.push(pi);
        if (policy.affects.egress) egressOf[id]!.push(pi);
      }
    }
    const rules = (rs: readonly PolicyRule[]): RuleIndex[] =>
      rs.map((rule) => ({
        rule,
        peers:
          rule.peers === null
            ? null
            : rule.peers.map((peer) => ({ peer, pods: peerPods(policy, peer) })),
      }));
    return {
      policy,
      selected,
      ingress: policy.affects.ingress ? rules(policy.ingress) : [],
      egress: policy.affects.egress ? rules(policy.egress) : [],
    };
  });
  return { policies, ingressOf, egressOf, podByKey, podsByIp, podsByNamespace };
}
