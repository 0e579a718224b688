/** Owner-chain resolution: Pod → ReplicaSet → Deployment, Pod → Job → CronJob, and so on. */
import type { OwnerRefInput, WorkloadInput, WorkloadKind, WorkloadRef } from './types.js';
import { WORKLOAD_KINDS } from './types.js';

export function workloadKey(ref: WorkloadRef): string {
  return `${ref.namespace}/${ref.kind}/${ref.name}`;
}

/** The analyzer-style display name: `ns/name[Kind]`. */
export function workloadDisplayName(ref: WorkloadRef): string {
  return `${ref.namespace}/${ref.name}[${ref.kind}]`;
}

function controllerOf(refs: readonly OwnerRefInput[] | undefined): OwnerRefInput | undefined {
  if (!refs || refs.length === 0) return undefined;
  const owner = refs.find((r) => r.controller === true) ?? refs[0];
  return owner && WORKLOAD_KINDS.includes(owner.kind as WorkloadKind) ? owner : undefined;
}

/** Index of workload objects by `ns/Kind/name`, for walking owner references. */
export type WorkloadIndex = ReadonlyMap<string, WorkloadInput>;

export function indexWorkloads(workloads: readonly WorkloadInput[]): Map<string, WorkloadInput> {
  const out = new Map<string, WorkloadInput>();
  for (const w of workloads) {
    const ref = { kind: w.kind, namespace: w.namespace ?? 'default', name: w.name };
    if (!out.has(workloadKey(ref))) out.set(workloadKey(ref), w);
  }
  return out;
}

/**
 * Walks controller owner references up from `start` and returns every step, top last.
 * An owner reference is trusted even when the owner object is absent (its name is real);
 * the walk continues only through objects that are present. Cycles stop the walk.
 */
export function ownerChain(
  namespace: string,
  start: OwnerRefInput | undefined,
  index: WorkloadIndex,
): WorkloadRef[] {
  const chain: WorkloadRef[] = [];
  const seen = new Set<string>();
  let current = start;
  while (current) {
    const ref = { kind: current.kind, namespace, name: current.name };
    const key = workloadKey(ref);
    if (seen.has(key)) break;
    seen.add(key);
    chain.push(ref);
    current = controllerOf(index.get(key)?.ownerReferences);
  }
  return chain;
}

/** The controller reference of a pod or workload, if it names a workload kind. */
export function controllerRef(
  refs: readonly OwnerRefInput[] | undefined,
): OwnerRefInput | undefined {
  return controllerOf(refs);
}
