/**
 * The connectivity map: every allowed connection between workloads, and between workloads and
 * external address ranges, with the ports per protocol.
 *
 * Computed per class of equivalent pods, not per pod: two pods of one workload that the same
 * policies select, that the same rule peers match and that declare the same ports get the same
 * answer for every connection, so one representative answers for all (replicas of a workload
 * normally form one class).
 */
import { allowedPortsBetween } from './allowed-ports.js';
import { bitsetHas } from './bitset.js';
import type { Endpoint } from './endpoint.js';
import { ipEndpoint } from './endpoint.js';
import { externalRanges, formatIp, formatIpRange, type IpRange } from './external-ranges.js';
import type { ClusterModel } from './model.js';
import type { PeerIndex } from './model-index.js';
import type { EvalOptions } from './peer-match.js';
import { isPortSetEmpty, type PortSet } from './port-set.js';
import { portSetsEqual, unionPortSets } from './port-set-ops.js';
import type { Pod, WorkloadRef } from './types.js';
import { workloadDisplayName, workloadKey } from './workloads.js';

export type ConnPeer =
  | { kind: 'workload'; workload: WorkloadRef; name: string }
  | { kind: 'external'; range: IpRange; name: string };

export interface Connection {
  src: ConnPeer;
  dst: ConnPeer;
  /** Never empty: connections with no allowed port are not listed. */
  ports: PortSet;
}

export interface ConnlistOptions extends EvalOptions {
  /** External ranges to probe; default: split at the model's own ipBlocks. */
  ranges?: readonly IpRange[];
  /** Merge adjacent external ranges with the same ports per workload (default true). */
  mergeExternal?: boolean;
}

interface PodClass {
  rep: Pod;
  workload: WorkloadRef;
  key: string;
}

/** Groups pods whose every policy-relevant property is the same. */
export function podClasses(model: ClusterModel, options: EvalOptions = {}): PodClass[] {
  const ipm = options.ipBlockMatchesPods ?? true;
  const peers: PeerIndex[] = [];
  for (const p of model.index.policies)
    for (const r of [...p.ingress, ...p.egress])
      for (const peer of r.peers ?? []) if (ipm || peer.peer.kind === 'pods') peers.push(peer);
  const classes = new Map<string, PodClass>();
  for (const pod of model.pods) {
    const matched: number[] = [];
    peers.forEach((peer, i) => {
      if (bitsetHas(peer.pods, pod.id)) matched.push(i);
    });
    const sig = [
      workloadKey(pod.workload),
      (model.index.ingressOf[pod.id] ?? []).join(','),
      (model.index.egressOf[pod.id] ?? []).join(','),
      matched.join(','),
      JSON.stringify(pod.ports),
    ].join('\u0000');
    if (!classes.has(sig))
      classes.set(sig, { rep: pod, workload: pod.workload, key: workloadKey(pod.workload) });
  }
  return [...classes.values()];
}

function workloadPeer(ref: WorkloadRef): ConnPeer {
  return { kind: 'workload', workload: ref, name: workloadDisplayName(ref) };
}

function externalPeer(range: IpRange): ConnPeer {
  return { kind: 'external', range, name: formatIpRange(range) };
}

function comparePeers(a: ConnPeer, b: ConnPeer): number {
  if (a.kind !== b.kind) return a.kind === 'workload' ? -1 : 1;
  if (a.kind === 'external' && b.kind === 'external') {
    if (a.range.bits !== b.range.bits) return a.range.bits - b.range.bits;
    return a.range.first < b.range.first ? -1 : a.range.first > b.range.first ? 1 : 0;
  }
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Deterministic order: by source, then destination; workloads by name, ranges by address. */
export function compareConnections(a: Connection, b: Connection): number {
  return comparePeers(a.src, b.src) || comparePeers(a.dst, b.dst);
}

/** Joins adjacent external ranges that the same workload reaches (or is reached from) alike. */
export function mergeExternalRanges(list: readonly Connection[]): Connection[] {
  const out: Connection[] = [];
  const last = new Map<string, number>();
  const extOf = (c: Connection): ConnPeer => (c.src.kind === 'external' ? c.src : c.dst);
  for (const c of [...list].sort(compareConnections)) {
    const ext = extOf(c);
    if (ext.kind !== 'external') {
      out.push(c);
      continue;
    }
    const key = `${c.src.kind === 'external' ? `>${c.dst.name}` : `<${c.src.name}`}\u0000${ext.range.bits}`;
    const at = last.get(key);
    const prev = at === undefined ? undefined : out[at];
    const prevExt = prev && extOf(prev);
    if (
      prev &&
      prevExt?.kind === 'external' &&
      prevExt.range.last + 1n === ext.range.first &&
      portSetsEqual(prev.ports, c.ports)
    ) {
      const merged = externalPeer({ ...prevExt.range, last: ext.range.last });
      out[at!] = c.src.kind === 'external' ? { ...prev, src: merged } : { ...prev, dst: merged };
      continue;
    }
    last.set(key, out.length);
    out.push(c);
  }
  return out.sort(compareConnections);
}

/**
 * Every allowed connection, self-connections excluded, in a deterministic order.
 *
 * @example
 * computeConnlist(model).map((c) => `${c.src.name} => ${c.dst.name}: ${formatPortSet(c.ports)}`);
 * // ['shop/frontend[Deployment] => shop/cart[Deployment]: TCP 8080', …]
 */
export function computeConnlist(model: ClusterModel, options: ConnlistOptions = {}): Connection[] {
  const classes = podClasses(model, options);
  const pairs = new Map<string, Connection>();
  const add = (src: ConnPeer, dst: ConnPeer, ports: PortSet): void => {
    if (isPortSetEmpty(ports)) return;
    const key = `${src.name}\u0000${dst.name}`;
    const prev = pairs.get(key);
    pairs.set(
      key,
      prev ? { ...prev, ports: unionPortSets(prev.ports, ports) } : { src, dst, ports },
    );
  };
  const eps: Endpoint[] = classes.map((c) => ({ kind: 'pod', pod: c.rep }));
  const peersOf = classes.map((c) => workloadPeer(c.workload));
  for (let i = 0; i < classes.length; i++) {
    for (let j = 0; j < classes.length; j++) {
      if (classes[i]!.key === classes[j]!.key) continue;
      add(peersOf[i]!, peersOf[j]!, allowedPortsBetween(model, eps[i]!, eps[j]!, options));
    }
  }
  const external: Connection[] = [];
  const extPairs = new Map<string, Connection>();
  for (const range of options.ranges ?? externalRanges([model])) {
    const ip = ipEndpoint(formatIp(range.first, range.bits))!;
    const peer = externalPeer(range);
    for (let i = 0; i < classes.length; i++) {
      for (const [src, dst, s, d] of [
        [eps[i]!, ip, peersOf[i]!, peer],
        [ip, eps[i]!, peer, peersOf[i]!],
      ] as const) {
        const ports = allowedPortsBetween(model, src, dst, options);
        if (isPortSetEmpty(ports)) continue;
        const key = `${s.name}\u0000${d.name}`;
        const prev = extPairs.get(key);
        extPairs.set(
          key,
          prev ? { ...prev, ports: unionPortSets(prev.ports, ports) } : { src: s, dst: d, ports },
        );
      }
    }
  }
  external.push(...extPairs.values());
  const all = [...pairs.values(), ...external];
  return options.mergeExternal === false ? all.sort(compareConnections) : mergeExternalRanges(all);
}

/** Index of a connection list by `src\0dst` name, for diffs and lookups. */
export function connectionKey(c: Connection): string {
  return `${c.src.name}\u0000${c.dst.name}`;
}
