/**
 * Enriches flow endpoints from a loaded cluster model (issue 2, "Store"): IP → pod → workload
 * through the owner chain the model resolved. What the source reported is never overwritten:
 * only missing namespace, pod, workload and labels are filled, and only when the model agrees
 * with what the source did say. External IPs the model does not know get their group.
 *
 * @example
 * const { model } = await loadClusterModel(['deploy/']);
 * const ingest = new IngestService({ store, createParser, enricher: new ClusterEnricher(model) });
 */
import type { Endpoint, Flow, WorkloadRef } from '../domain/flow.js';
import { externalGroupOf, type NamedCidr, parseIp } from '../domain/ip.js';
import type { ClusterModel, Pod } from '../domain/netpol/index.js';
import type { FlowEnricher } from './ingest.js';

interface PodInfo {
  namespace: string;
  name: string;
  workload: WorkloadRef;
  labels: Readonly<Record<string, string>>;
}

/** What the enricher reads of a pod: a model's pods, or plain copies of them (a worker's). */
export type EnricherPod = Pick<
  Pod,
  'namespace' | 'name' | 'labels' | 'ip' | 'hostNetwork' | 'workload' | 'synthetic'
>;

/** Plain copies of a model's pods, for a thread without the model (`ingest-worker.ts`). */
export function enricherPods(model: Pick<ClusterModel, 'pods'>): EnricherPod[] {
  return model.pods.map((p) => ({
    namespace: p.namespace,
    name: p.name,
    labels: p.labels,
    ip: p.ip,
    hostNetwork: p.hostNetwork,
    workload: { ...p.workload },
    synthetic: p.synthetic,
  }));
}

/** Named CIDRs per cluster as a table, for a thread that has no configuration. */
export interface NamedCidrTable {
  /** A Map: cluster names come from flows, and `constructor` is no key of it. */
  byCluster: ReadonlyMap<string, readonly NamedCidr[]>;
  /** For clusters the table does not list. */
  other: readonly NamedCidr[];
}

/**
 * What an ingest worker needs to enrich flows exactly as this thread's enricher does: the pods
 * of the model in force (null while there is none), the one cluster it describes (a live
 * watch), and the named CIDRs. `generation` changes with the model.
 */
export interface EnricherWorkerSpec {
  generation: number;
  model: Pick<ClusterModel, 'pods'> | null;
  onlyCluster: string | null;
  namedCidrs: NamedCidrTable;
}

export function namedCidrsOf(table: NamedCidrTable): (cluster: string) => readonly NamedCidr[] {
  return (cluster) => table.byCluster.get(cluster) ?? table.other;
}

/**
 * The enrichment of a worker thread, from pods copied out of the model (`enricherPods`): the
 * same rules as `liveEnricher`, a flow of another cluster than `onlyCluster` passes untouched.
 */
export function workerEnricher(
  pods: readonly EnricherPod[] | null,
  onlyCluster: string | null,
  namedCidrs: NamedCidrTable,
): FlowEnricher {
  const enricher =
    pods === null
      ? null
      : new ClusterEnricher({ pods }, { namedCidrsFor: namedCidrsOf(namedCidrs) });
  return {
    enrich: (flow: Flow): Flow =>
      enricher === null || (onlyCluster !== null && flow.cluster !== onlyCluster)
        ? flow
        : enricher.enrich(flow),
  };
}

export interface ClusterEnricherOptions {
  /** Named CIDRs for grouping external IPs, per cluster (default: none, so private / world). */
  namedCidrsFor?: (cluster: string) => readonly NamedCidr[];
}

const CACHE_LIMIT = 20_000;
/** An IP more than one pod claims (host-network pods, stale manifests): not enriched. */
const AMBIGUOUS = null;

function ipKeyOf(ip: string): string | null {
  const p = parseIp(ip);
  return p ? `${p.bits}:${p.value.toString(16)}` : null;
}

function infoOf(p: EnricherPod): PodInfo {
  return {
    namespace: p.namespace,
    name: p.name,
    workload: { kind: p.workload.kind, name: p.workload.name },
    labels: Object.freeze(Object.fromEntries(p.labels)),
  };
}

function isEmpty(labels: Readonly<Record<string, string>>): boolean {
  for (const _k in labels) return false;
  return true;
}

export class ClusterEnricher implements FlowEnricher {
  /** Pods by canonical IP; `AMBIGUOUS` when several pods share the IP. */
  private readonly byIp = new Map<string, PodInfo | typeof AMBIGUOUS>();
  /** Exact IP text → canonical key, so the hot path parses each distinct IP text once. */
  private readonly ipKeys = new Map<string, string | null>();
  private readonly byName = new Map<string, PodInfo>();
  /** Real pods per namespace, for Calico's aggregated names (`frontend-6d9f7c8b5-*`). */
  private readonly byNamespace = new Map<string, PodInfo[]>();
  private readonly groups = new Map<string, string>();
  private readonly namedCidrsFor: (cluster: string) => readonly NamedCidr[];

  constructor(
    model: { readonly pods: readonly EnricherPod[] },
    options: ClusterEnricherOptions = {},
  ) {
    this.namedCidrsFor = options.namedCidrsFor ?? ((): readonly NamedCidr[] => []);
    for (const pod of model.pods) {
      if (pod.synthetic) continue;
      const info = infoOf(pod);
      this.byName.set(`${pod.namespace}/${pod.name}`, info);
      let list = this.byNamespace.get(pod.namespace);
      if (!list) this.byNamespace.set(pod.namespace, (list = []));
      list.push(info);
      // A host-network pod has its node's IP: the IP does not identify the pod.
      if (pod.ip === null || pod.hostNetwork) continue;
      const key = ipKeyOf(pod.ip);
      if (key === null) continue;
      this.byIp.set(key, this.byIp.has(key) ? AMBIGUOUS : info);
    }
  }

  enrich(flow: Flow): Flow {
    const src = this.endpoint(flow.src, flow.cluster);
    const dst = this.endpoint(flow.dst, flow.cluster);
    return src === flow.src && dst === flow.dst ? flow : { ...flow, src, dst };
  }

  private podByIp(ip: string): PodInfo | null | undefined {
    let key = this.ipKeys.get(ip);
    if (key === undefined) {
      key = ipKeyOf(ip);
      if (this.ipKeys.size >= CACHE_LIMIT) this.ipKeys.clear();
      this.ipKeys.set(ip, key);
    }
    return key === null ? undefined : this.byIp.get(key);
  }

  /** The model's pod for an endpoint: by IP, else by namespace and pod name. */
  private podOf(e: Endpoint): PodInfo | null | undefined {
    if (e.ip !== null) {
      const hit = this.podByIp(e.ip);
      if (hit !== undefined) return hit;
    }
    if (e.namespace !== null && e.pod !== null && !e.aggregated) {
      return this.byName.get(`${e.namespace}/${e.pod}`);
    }
    return undefined;
  }

  private endpoint(e: Endpoint, cluster: string): Endpoint {
    if (e.kind === 'host') return e;
    // Fully described by the source: nothing to add.
    if (e.workload !== null && e.namespace !== null && !isEmpty(e.labels)) return e;
    if (e.aggregated) return this.aggregated(e);
    const pod = this.podOf(e);
    if (pod === null) return e;
    if (pod === undefined) return this.external(e, cluster);
    // The source named another pod or namespace: it wins, and the model may be stale.
    if (e.namespace !== null && e.namespace !== pod.namespace) return e;
    if (e.pod !== null && e.pod !== pod.name) return e;
    // Without namespace, pod or workload, `external`/`unknown` was the parser's guess from a
    // bare IP; an IP the cluster gave to a pod is better evidence.
    const identified = e.namespace !== null || e.pod !== null || e.workload !== null;
    const out: Endpoint = {
      ...e,
      kind: 'pod',
      namespace: pod.namespace,
      pod: pod.name,
      workload: e.workload ?? pod.workload,
      labels: isEmpty(e.labels)
        ? (pod.labels as Record<string, string>)
        : { ...pod.labels, ...e.labels },
      externalGroup: identified ? e.externalGroup : null,
    };
    return out;
  }

  /** `name-*` names many pods: fill the workload when they all belong to one. */
  private aggregated(e: Endpoint): Endpoint {
    if (e.workload !== null || e.namespace === null || e.pod === null) return e;
    const star = e.pod.indexOf('*');
    const prefix = star < 0 ? e.pod : e.pod.slice(0, star);
    let found: WorkloadRef | null = null;
    for (const p of this.byNamespace.get(e.namespace) ?? []) {
      if (!p.name.startsWith(prefix)) continue;
      if (found && (found.kind !== p.workload.kind || found.name !== p.workload.name)) return e;
      found = p.workload;
    }
    return found ? { ...e, workload: found } : e;
  }

  /** An IP no pod of the model has: outside the cluster, unless the source said otherwise. */
  private external(e: Endpoint, cluster: string): Endpoint {
    if (e.ip === null || e.externalGroup !== null) return e;
    if (e.kind !== 'unknown' && e.kind !== 'external') return e;
    if (e.namespace !== null || e.pod !== null || e.workload !== null) return e;
    const cacheKey = `${cluster}\u0000${e.ip}`;
    let group = this.groups.get(cacheKey);
    if (group === undefined) {
      group = externalGroupOf(e.ip, this.namedCidrsFor(cluster));
      if (this.groups.size >= CACHE_LIMIT) this.groups.clear();
      this.groups.set(cacheKey, group);
    }
    return { ...e, kind: 'external', externalGroup: group };
  }
}
