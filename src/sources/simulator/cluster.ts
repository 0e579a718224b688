/**
 * Turns the authored spec into concrete pods: names with pod-template-hash and random
 * suffixes, owner chains, node placement and pod IPs in 10.244.<node>.0/24. Deterministic per seed.
 */
import {
  CLUSTER_NAME,
  NAMESPACES,
  type NamespaceSpec,
  NODE_COUNT,
  type PortSpec,
  workloadKey,
  WORKLOADS,
  type WorkloadSpec,
} from './cluster-spec.js';
import { forkPrng } from './prng.js';

export interface OwnerRef {
  kind: string;
  name: string;
}

export interface SimPod {
  namespace: string;
  name: string;
  ip: string;
  node: string;
  labels: Record<string, string>;
  ports: PortSpec[];
  /** Direct owner (ReplicaSet, StatefulSet, DaemonSet, Job). */
  owner: OwnerRef;
  /** Top of the owner chain (Deployment, StatefulSet, DaemonSet, CronJob, Job). */
  workloadKind: string;
  workloadName: string;
  uid: string;
}

export interface SimWorkload {
  spec: WorkloadSpec;
  key: string;
  /** Labels on the pod template (selector labels plus version, part-of, …). */
  templateLabels: Record<string, string>;
  /** Selector labels (stable: no version, no hash). */
  selector: Record<string, string>;
  /** Deployment: its current ReplicaSet; CronJob: its last Job. */
  intermediate: string | null;
  /** pod-template-hash / controller-revision-hash, when the kind has one. */
  revisionHash: string | null;
  pods: SimPod[];
}

export interface SimCluster {
  name: string;
  seed: number;
  nodes: string[];
  namespaces: readonly NamespaceSpec[];
  workloads: SimWorkload[];
  byKey: ReadonlyMap<string, SimWorkload>;
  pods: SimPod[];
  podByIp: ReadonlyMap<string, SimPod>;
}

const nodeName = (i: number): string => `demo-worker-${i + 1}`;

function templateLabels(spec: WorkloadSpec): {
  selector: Record<string, string>;
  labels: Record<string, string>;
} {
  const selector: Record<string, string> = {
    'app.kubernetes.io/name': spec.name,
    'app.kubernetes.io/instance': spec.name,
    ...(spec.extraLabels ?? {}),
  };
  const labels: Record<string, string> = {
    ...selector,
    'app.kubernetes.io/component': spec.component,
    'app.kubernetes.io/part-of': spec.namespace === 'kube-system' ? 'kubernetes' : 'shop',
    'app.kubernetes.io/version': spec.version,
  };
  return { selector, labels };
}

/**
 * Builds the demo cluster for a seed.
 * @example const cluster = buildSimCluster(42); cluster.pods.length // ≈ 190
 */
export function buildSimCluster(seed: number): SimCluster {
  const rng = forkPrng(seed, 'cluster');
  const nodes = Array.from({ length: NODE_COUNT }, (_, i) => nodeName(i));
  const nextHost = new Array<number>(NODE_COUNT).fill(10);
  const allocate = (nodeIndex: number): string => {
    const host = nextHost[nodeIndex] ?? 10;
    nextHost[nodeIndex] = host + 1 + rng.int(0, 2);
    return `10.244.${nodeIndex + 1}.${host}`;
  };
  const workloads: SimWorkload[] = [];
  const pods: SimPod[] = [];
  for (const spec of WORKLOADS) {
    const { selector, labels } = templateLabels(spec);
    const hash = spec.kind === 'Deployment' ? rng.token(10) : rng.token(10, '0123456789abcdef');
    const wl: SimWorkload = {
      spec,
      key: workloadKey(spec),
      templateLabels: labels,
      selector,
      intermediate: null,
      revisionHash: null,
      pods: [],
    };
    const count = spec.kind === 'DaemonSet' ? NODE_COUNT : spec.replicas;
    let owner: OwnerRef;
    const extra: Record<string, string> = {};
    switch (spec.kind) {
      case 'Deployment':
        wl.intermediate = `${spec.name}-${hash}`;
        wl.revisionHash = hash;
        owner = { kind: 'ReplicaSet', name: wl.intermediate };
        extra['pod-template-hash'] = hash;
        break;
      case 'CronJob': {
        // Job names carry the scheduled time in minutes, as the CronJob controller writes them.
        const job = `${spec.name}-${29_000_000 + rng.int(0, 999_999)}`;
        wl.intermediate = job;
        owner = { kind: 'Job', name: job };
        extra['job-name'] = job;
        extra['batch.kubernetes.io/job-name'] = job;
        break;
      }
      case 'Job':
        owner = { kind: 'Job', name: spec.name };
        extra['job-name'] = spec.name;
        extra['batch.kubernetes.io/job-name'] = spec.name;
        break;
      default:
        wl.revisionHash = hash;
        owner = { kind: spec.kind, name: spec.name };
        extra['controller-revision-hash'] = `${spec.name}-${hash}`;
        if (spec.kind === 'DaemonSet') extra['pod-template-generation'] = '1';
    }
    for (let i = 0; i < count; i++) {
      const nodeIndex = spec.kind === 'DaemonSet' ? i : rng.int(0, NODE_COUNT - 1);
      const name =
        spec.kind === 'StatefulSet'
          ? `${spec.name}-${i}`
          : spec.kind === 'Deployment'
            ? `${spec.name}-${hash}-${rng.token(5)}`
            : `${owner.name}-${rng.token(5)}`;
      const podLabels: Record<string, string> = { ...labels, ...extra };
      if (spec.kind === 'StatefulSet') podLabels['statefulset.kubernetes.io/pod-name'] = name;
      const pod: SimPod = {
        namespace: spec.namespace,
        name,
        ip: allocate(nodeIndex),
        node: nodes[nodeIndex] as string,
        labels: podLabels,
        ports: spec.ports,
        owner,
        workloadKind: spec.kind,
        workloadName: spec.name,
        uid: uuidFrom(rng.token(32, '0123456789abcdef')),
      };
      wl.pods.push(pod);
      pods.push(pod);
    }
    workloads.push(wl);
  }
  return {
    name: CLUSTER_NAME,
    seed,
    nodes,
    namespaces: NAMESPACES,
    workloads,
    byKey: new Map(workloads.map((x) => [x.key, x])),
    pods,
    podByIp: new Map(pods.map((p) => [p.ip, p])),
  };
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The workload, or a thrown error naming the key (catalogue typos fail loudly in tests). */
export function workloadOf(cluster: SimCluster, key: string): SimWorkload {
  const wl = cluster.byKey.get(key);
  if (!wl) throw new Error(`unknown workload ${key}`);
  return wl;
}
