/** Kubernetes objects (wire) → the engine's `*Input` shapes. */
import type {
  ClusterInput,
  ContainerPortInput,
  ModelError,
  OwnerRefInput,
  PodTemplateInput,
  SourceRef,
  WorkloadKind,
} from '../../domain/netpol/index.js';
import { WORKLOAD_KINDS } from '../../domain/netpol/index.js';
import { asArray, asLabels, asObject, asPortNumber, asString, type WireObject } from './wire.js';

export interface CollectedObjects {
  input: Required<ClusterInput>;
  errors: ModelError[];
  /** Objects of kinds the engine does not read, counted by `apiVersion/kind`. */
  skipped: Record<string, number>;
}

export function emptyCollection(): CollectedObjects {
  return {
    input: { namespaces: [], pods: [], workloads: [], policies: [] },
    errors: [],
    skipped: {},
  };
}

function containerPorts(spec: WireObject | undefined): ContainerPortInput[] {
  return asArray(spec?.containers).flatMap((c) =>
    asArray(asObject(c)?.ports).flatMap((p): ContainerPortInput[] => {
      const o = asObject(p);
      if (!o) return [];
      const port: ContainerPortInput = {};
      const name = asString(o.name);
      const containerPort = asPortNumber(o.containerPort);
      const protocol = asString(o.protocol);
      if (name !== undefined) port.name = name;
      if (containerPort !== undefined) port.containerPort = containerPort;
      if (protocol !== undefined) port.protocol = protocol;
      return [port];
    }),
  );
}

function ownerRefs(meta: WireObject): OwnerRefInput[] {
  return asArray(meta.ownerReferences).flatMap((r): OwnerRefInput[] => {
    const o = asObject(r);
    const kind = asString(o?.kind);
    const name = asString(o?.name);
    return kind && name ? [{ kind, name, controller: o?.controller === true }] : [];
  });
}

function template(raw: unknown): PodTemplateInput {
  const t = asObject(raw);
  const spec = asObject(t?.spec);
  const out: PodTemplateInput = {
    ports: containerPorts(spec),
    hostNetwork: spec?.hostNetwork === true,
  };
  const labels = asLabels(asObject(t?.metadata)?.labels);
  if (labels) out.labels = labels;
  return out;
}

function podIp(status: WireObject | undefined): string | null {
  const ip = asString(status?.podIP);
  if (ip) return ip;
  return asString(asObject(asArray(status?.podIPs)[0])?.ip) ?? null;
}

/**
 * Adds one object to the collection. Never throws; a bad object adds a located error.
 */
export function collectObject(raw: unknown, origin: SourceRef, out: CollectedObjects): void {
  const obj = asObject(raw);
  const fail = (path: string, message: string, object?: string): void => {
    out.errors.push({ origin, path, message, ...(object && { object }) });
  };
  if (!obj) return fail('', 'expected a Kubernetes object (a map)');
  const kind = asString(obj.kind);
  const apiVersion = asString(obj.apiVersion) ?? '';
  if (!kind) return fail('kind', 'missing kind');
  const meta = asObject(obj.metadata) ?? {};
  const name = asString(meta.name);
  const namespace = asString(meta.namespace);
  const skip = (): void => {
    const key = apiVersion ? `${apiVersion}/${kind}` : kind;
    out.skipped[key] = (out.skipped[key] ?? 0) + 1;
  };
  const readKinds = ['Namespace', 'Pod', 'NetworkPolicy', ...WORKLOAD_KINDS];
  // Calico and others also define a kind called NetworkPolicy; only the Kubernetes one is ours.
  if (
    !readKinds.includes(kind) ||
    (kind === 'NetworkPolicy' && !/^networking\.k8s\.io\//.test(apiVersion))
  )
    return skip();
  if (!name) return fail('metadata.name', 'missing name', kind);
  const labels = asLabels(meta.labels);
  const spec = asObject(obj.spec);
  if (kind === 'Namespace') {
    const annotations = namespaceAnnotations(meta.annotations);
    out.input.namespaces.push({
      name,
      ...(labels && { labels }),
      ...(annotations && { annotations }),
      origin,
    });
  } else if (kind === 'Pod') {
    out.input.pods.push({
      name,
      ...(namespace && { namespace }),
      ...(labels && { labels }),
      ip: podIp(asObject(obj.status)),
      hostNetwork: spec?.hostNetwork === true,
      ports: containerPorts(spec),
      ownerReferences: ownerRefs(meta),
      origin,
    });
  } else if (kind === 'NetworkPolicy') {
    out.input.policies.push({ name, ...(namespace && { namespace }), spec: obj.spec, origin });
  } else {
    const tpl =
      kind === 'CronJob' ? asObject(asObject(spec?.jobTemplate)?.spec)?.template : spec?.template;
    if (!asObject(tpl)) {
      const path = kind === 'CronJob' ? 'spec.jobTemplate.spec.template' : 'spec.template';
      fail(path, 'missing pod template; the workload has no pods to model', `${kind} ${name}`);
    }
    out.input.workloads.push({
      kind: kind as WorkloadKind,
      name,
      ...(namespace && { namespace }),
      ...(labels && { labels }),
      ownerReferences: ownerRefs(meta),
      template: template(tpl),
      origin,
    });
  }
}

/** Annotations that can name owners and contacts; kubectl's copy of the whole object is not kept. */
function namespaceAnnotations(v: unknown): Record<string, string> | undefined {
  const all = asLabels(v);
  if (!all) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(all))
    if (k !== 'kubectl.kubernetes.io/last-applied-configuration' && val.length <= 1024)
      Object.defineProperty(out, k, { value: val, enumerable: true });
  return Object.keys(out).length > 0 ? out : undefined;
}
