/**
 * Hubble `Endpoint` → domain `Endpoint`. Label sets repeat across millions of flows (a Cilium
 * identity *is* a label set), so parsed label maps are cached by their text and frozen: flows
 * share them, and nobody may mutate them.
 */
import type { Endpoint, EndpointKind, WorkloadRef } from '../../domain/flow.js';
import { externalGroupOf, type NamedCidr } from '../../domain/ip.js';
import { isObject, type JsonObject } from '../wire.js';

const HOST = 1;
const WORLD = 2;

interface LabelInfo {
  labels: Readonly<Record<string, string>>;
  /** Bit set of HOST / WORLD found among the `reserved:` labels. */
  reserved: number;
}

/** Reserved identities (cilium `pkg/identity`): host, world, health, remote-node, kube-apiserver, world-ipv4/6. */
function reservedOfIdentity(id: unknown): number {
  const n = typeof id === 'number' ? id : typeof id === 'string' ? Number(id) : 0;
  if (n === 1 || n === 4 || n === 6 || n === 7) return HOST;
  if (n === 2 || n === 9 || n === 10 || n >= 16_777_216) return WORLD;
  return 0;
}

/** Keys Cilium adds for its own bookkeeping; they are not the workload's labels. */
function isNoise(key: string): boolean {
  return (
    key.startsWith('io.cilium.k8s.policy.') ||
    key.startsWith('io.cilium.k8s.namespace.labels.') ||
    key === 'io.kubernetes.pod.namespace'
  );
}

function parseLabels(list: readonly unknown[]): LabelInfo {
  const labels: Record<string, string> = {};
  let reserved = 0;
  for (const item of list) {
    if (typeof item !== 'string') continue;
    const eq = item.indexOf('=');
    const colon = item.indexOf(':');
    let key = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? '' : item.slice(eq + 1);
    if (colon >= 0 && (eq < 0 || colon < eq)) {
      const src = item.slice(0, colon);
      key = key.slice(colon + 1);
      if (src === 'reserved') {
        if (key === 'host' || key === 'remote-node' || key === 'health' || key === 'kube-apiserver')
          reserved |= HOST;
        else if (key === 'world' || key === 'world-ipv4' || key === 'world-ipv6') reserved |= WORLD;
        continue;
      }
      // cidr:, fqdn:, container: … describe selectors or runtimes, not the workload.
      if (src !== 'k8s' && src !== 'any' && src !== 'unspec') continue;
    }
    if (key === '' || isNoise(key)) continue;
    labels[key] = value;
  }
  return { labels: Object.freeze(labels), reserved };
}

const CACHE_LIMIT = 20_000;
const EMPTY_INFO: LabelInfo = { labels: Object.freeze({}), reserved: 0 };

interface IdentityEntry {
  list: readonly unknown[];
  info: LabelInfo;
}

/** Same length and the same elements, compared in place (no joined key to build and hash). */
function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Per-parser caches; bounded so hostile input cannot grow them without limit. */
export class EndpointMapper {
  private readonly labelCache = new Map<string, LabelInfo>();
  /**
   * The last label list seen per identity number: a Cilium identity stands for one label set,
   * so the next flow of that identity almost always carries the same list. The list is still
   * compared element by element, so a mismatch (hostile or odd input) falls back to the text cache.
   */
  private readonly byIdentity = new Map<unknown, IdentityEntry>();
  private readonly groupCache = new Map<string, string>();

  constructor(private readonly namedCidrs: readonly NamedCidr[]) {}

  private labelInfo(list: unknown, identity: unknown): LabelInfo {
    if (!Array.isArray(list) || list.length === 0) return EMPTY_INFO;
    const byId = typeof identity === 'number' || typeof identity === 'string';
    if (byId) {
      const hit = this.byIdentity.get(identity);
      if (hit !== undefined && sameList(hit.list, list)) return hit.info;
    }
    const key = list.length === 1 ? String(list[0]) : list.join('\n');
    let info = this.labelCache.get(key);
    if (info === undefined) {
      info = parseLabels(list);
      if (this.labelCache.size >= CACHE_LIMIT) this.labelCache.clear();
      this.labelCache.set(key, info);
    }
    if (byId) {
      if (this.byIdentity.size >= CACHE_LIMIT) this.byIdentity.clear();
      this.byIdentity.set(identity, { list, info });
    }
    return info;
  }

  externalGroup(ip: string | null): string {
    if (ip === null) return 'world';
    let g = this.groupCache.get(ip);
    if (g === undefined) {
      g = externalGroupOf(ip, this.namedCidrs);
      if (this.groupCache.size >= CACHE_LIMIT) this.groupCache.clear();
      this.groupCache.set(ip, g);
    }
    return g;
  }

  /** Maps one side of a flow. `ep` may be absent: then only the IP and names are known. */
  map(ep: unknown, ip: string | null, names: unknown): Endpoint {
    const e: JsonObject | null = isObject(ep) ? ep : null;
    const info = e === null ? EMPTY_INFO : this.labelInfo(e['labels'], e['identity']);
    const namespace = e === null ? null : str(e['namespace']);
    const pod = e === null ? null : str(e['pod_name'] ?? e['podName']);
    const reserved = info.reserved | (e === null ? 0 : reservedOfIdentity(e['identity']));
    let kind: EndpointKind;
    if (pod !== null) kind = 'pod';
    else if (reserved & HOST) kind = 'host';
    else if (reserved & WORLD) kind = 'external';
    else if (namespace !== null) kind = 'pod';
    else kind = ip === null ? 'unknown' : 'external';
    return {
      kind,
      namespace,
      pod,
      workload: e === null ? null : workloadOf(e['workloads']),
      labels: info.labels as Record<string, string>,
      ip,
      dnsNames: stringList(names),
      externalGroup: kind === 'external' ? this.externalGroup(ip) : null,
    };
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function workloadOf(v: unknown): WorkloadRef | null {
  if (!Array.isArray(v) || v.length === 0) return null;
  const w: unknown = v[0];
  if (!isObject(w)) return null;
  const name = str(w['name']);
  if (name === null) return null;
  return { kind: str(w['kind']) ?? 'unknown', name };
}

function stringList(v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0) return [];
  for (const x of v) if (typeof x !== 'string') return v.filter((y) => typeof y === 'string');
  return v as string[];
}

/** The cluster an endpoint names, if any. */
export function clusterOf(ep: unknown): string | null {
  return isObject(ep) ? str(ep['cluster_name'] ?? ep['clusterName']) : null;
}
