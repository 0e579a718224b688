/**
 * Builds the `ClusterModel`: namespaces (with the implicit `kubernetes.io/metadata.name`
 * label), pods with their resolved workloads, a pod per controller that has none, and the
 * compiled policies. Indexes for evaluation are built once here (see `model-index.ts`).
 */
import { parseIp } from '../ip.js';
import { buildIndex, type ModelIndex } from './model-index.js';
import { compilePolicy } from './policy-compile.js';
import { labelsFrom } from './selector.js';
import type {
  ClusterInput,
  ContainerPort,
  ContainerPortInput,
  ModelError,
  Namespace,
  NetworkPolicy,
  Pod,
  PodTemplateInput,
  PolicyProtocol,
  SourceRef,
  WorkloadInput,
  WorkloadRef,
} from './types.js';
import { POLICY_PROTOCOLS } from './types.js';
import { controllerRef, indexWorkloads, ownerChain, workloadKey } from './workloads.js';

/** The label the API server adds to every namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface ClusterModel {
  namespaces: ReadonlyMap<string, Namespace>;
  pods: readonly Pod[];
  /** Valid policies only; invalid ones are reported in `errors` of the build. */
  policies: readonly NetworkPolicy[];
  /** Evaluation indexes. Treat as internal; use the evaluator functions. */
  index: ModelIndex;
}

export interface BuildResult {
  model: ClusterModel;
  errors: ModelError[];
}

function located(e: ModelError, object: string, origin?: SourceRef): ModelError {
  return { ...e, object, ...(origin && { origin }) };
}

function convertPorts(
  ports: readonly ContainerPortInput[] | undefined,
  object: string,
  path: string,
  errors: ModelError[],
  origin?: SourceRef,
): ContainerPort[] {
  const out: ContainerPort[] = [];
  (ports ?? []).forEach((p, i) => {
    const protocol = (p.protocol ?? 'TCP') as PolicyProtocol;
    if (!POLICY_PROTOCOLS.includes(protocol)) {
      const message = `unknown protocol ${JSON.stringify(p.protocol)}`;
      errors.push(located({ path: `${path}[${i}].protocol`, message }, object, origin));
      return;
    }
    const cp: ContainerPort = { protocol };
    if (typeof p.name === 'string' && p.name !== '') cp.name = p.name;
    if (typeof p.containerPort === 'number') cp.port = p.containerPort;
    out.push(cp);
  });
  return out;
}

/**
 * Builds the model. Never throws on bad input: problems are returned as located errors and
 * the valid objects are still used.
 *
 * @example
 * const { model, errors } = buildClusterModel({
 *   namespaces: [{ name: 'shop' }],
 *   pods: [{ namespace: 'shop', name: 'web-1', labels: { app: 'web' }, ip: '10.0.0.5' }],
 *   policies: [{ namespace: 'shop', name: 'deny-all', spec: { podSelector: {} } }],
 * });
 */
export function buildClusterModel(input: ClusterInput): BuildResult {
  const errors: ModelError[] = [];
  const namespaces = new Map<string, Namespace>();
  const ensureNamespace = (name: string): void => {
    if (!namespaces.has(name)) {
      namespaces.set(name, {
        name,
        labels: new Map([[NAMESPACE_NAME_LABEL, name]]),
        declared: false,
      });
    }
  };
  for (const ns of input.namespaces ?? []) {
    if (namespaces.get(ns.name)?.declared) {
      const e = { path: 'metadata.name', message: 'duplicate namespace; first one kept' };
      errors.push(located(e, `Namespace ${ns.name}`, ns.origin));
      continue;
    }
    const labels = labelsFrom(ns.labels);
    labels.set(NAMESPACE_NAME_LABEL, ns.name);
    namespaces.set(ns.name, {
      name: ns.name,
      labels,
      declared: true,
      ...(ns.annotations ? { annotations: { ...ns.annotations } } : {}),
    });
  }

  const pods: Pod[] = [];
  const podKeys = new Set<string>();
  const workloadIndex = indexWorkloads(input.workloads ?? []);
  const covered = new Set<string>();
  const addPod = (pod: Omit<Pod, 'id'>): void => {
    ensureNamespace(pod.namespace);
    pods.push({ ...pod, id: pods.length });
    podKeys.add(`${pod.namespace}/${pod.name}`);
  };

  for (const p of input.pods ?? []) {
    const namespace = p.namespace ?? 'default';
    const object = `Pod ${namespace}/${p.name}`;
    if (podKeys.has(`${namespace}/${p.name}`)) {
      errors.push(
        located(
          { path: 'metadata.name', message: 'duplicate pod; first one kept' },
          object,
          p.origin,
        ),
      );
      continue;
    }
    let ip: string | null = null;
    if (typeof p.ip === 'string' && p.ip !== '') {
      if (parseIp(p.ip)) ip = p.ip;
      else
        errors.push(
          located(
            { path: 'status.podIP', message: `invalid IP ${JSON.stringify(p.ip)}` },
            object,
            p.origin,
          ),
        );
    }
    let workload: WorkloadRef = p.workload ?? { kind: 'Pod', namespace, name: p.name };
    if (!p.workload) {
      const chain = ownerChain(namespace, controllerRef(p.ownerReferences), workloadIndex);
      for (const step of chain) covered.add(workloadKey(step));
      workload = chain[chain.length - 1] ?? workload;
    }
    covered.add(workloadKey(workload));
    addPod({
      namespace,
      name: p.name,
      labels: labelsFrom(p.labels),
      ip,
      hostNetwork: p.hostNetwork === true,
      ports: convertPorts(p.ports, object, 'spec.containers[*].ports', errors, p.origin),
      workload,
      synthetic: false,
    });
  }

  addTemplatePods(input.workloads ?? [], workloadIndex, covered, podKeys, addPod, errors);

  const policies: NetworkPolicy[] = [];
  const policyKeys = new Set<string>();
  for (const np of input.policies ?? []) {
    const { policy, errors: pe } = compilePolicy(np);
    errors.push(...pe);
    if (!policy) continue;
    if (policyKeys.has(policy.id)) {
      const e = { path: 'metadata.name', message: 'duplicate policy; first one kept' };
      errors.push(located(e, `NetworkPolicy ${policy.id}`, np.origin));
      continue;
    }
    policyKeys.add(policy.id);
    ensureNamespace(policy.namespace);
    policies.push(policy);
  }

  const model = { namespaces, pods, policies } as const;
  return { model: { ...model, index: buildIndex(model) }, errors };
}

/**
 * A controller whose chain no real pod passes through yields one pod from its template.
 * Top-level controllers go first so that a Deployment's template wins over its ReplicaSet's.
 */
function addTemplatePods(
  workloads: readonly WorkloadInput[],
  index: ReturnType<typeof indexWorkloads>,
  covered: Set<string>,
  podKeys: ReadonlySet<string>,
  addPod: (pod: Omit<Pod, 'id'>) => void,
  errors: ModelError[],
): void {
  const withTop = workloads.map((w) => {
    const namespace = w.namespace ?? 'default';
    const chain = ownerChain(namespace, { kind: w.kind, name: w.name }, index);
    const top = chain[chain.length - 1] ?? { kind: w.kind, namespace, name: w.name };
    return { w, namespace, top, isTop: chain.length === 1 };
  });
  withTop.sort((a, b) => Number(b.isTop) - Number(a.isTop));
  for (const { w, namespace, top } of withTop) {
    const key = workloadKey(top);
    if (covered.has(key)) continue;
    covered.add(key);
    const template: PodTemplateInput = w.template ?? {};
    let name = `${w.name}-template`;
    for (let n = 2; podKeys.has(`${namespace}/${name}`); n++) name = `${w.name}-template-${n}`;
    const object = `${w.kind} ${namespace}/${w.name}`;
    addPod({
      namespace,
      name,
      labels: labelsFrom(template.labels),
      ip: null,
      hostNetwork: template.hostNetwork === true,
      ports: convertPorts(
        template.ports,
        object,
        'spec.template.spec.containers[*].ports',
        errors,
        w.origin,
      ),
      workload: top,
      synthetic: true,
    });
  }
}
