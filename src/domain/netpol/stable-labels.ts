/**
 * Selectors for generated policies: built from labels that survive a rollout. Controllers
 * stamp per-revision or per-pod labels (pod-template-hash, controller-revision-hash, …); a
 * selector on those would stop matching after the next deploy.
 */
import type { ClusterModel } from './model.js';
import type { Pod } from './types.js';

const VOLATILE = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'job-name',
  'controller-uid',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
]);

/** Preferred first, in this order; other stable labels follow alphabetically. */
const PREFERRED = [
  'app.kubernetes.io/name',
  'app',
  'k8s-app',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'component',
  'name',
];

export function isVolatileLabel(key: string): boolean {
  return VOLATILE.has(key) || key.endsWith('-hash');
}

export interface StableSelector {
  matchLabels: Record<string, string>;
  /** Pods of the namespace that the selector selects. */
  selected: Pod[];
  /** True when it selects exactly the given pods. */
  exact: boolean;
}

/**
 * The smallest set of stable labels (most preferred first) that selects the given pods, and
 * as few others of their namespace as possible. Null when the pods share no stable label.
 *
 * @example
 * stableSelector(model, cartPods); // { matchLabels: { 'app.kubernetes.io/name': 'cart' }, exact: true, … }
 */
export function stableSelector(model: ClusterModel, pods: readonly Pod[]): StableSelector | null {
  const first = pods[0];
  if (!first) return null;
  const common = [...first.labels].filter(
    ([k, v]) => !isVolatileLabel(k) && pods.every((p) => p.labels.get(k) === v),
  );
  if (common.length === 0) return null;
  const rank = (k: string): number => {
    const i = PREFERRED.indexOf(k);
    return i < 0 ? PREFERRED.length : i;
  };
  common.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const inNamespace = (model.index.podsByNamespace.get(first.namespace) ?? []).map(
    (id) => model.pods[id]!,
  );
  const wanted = new Set(pods.map((p) => p.id));
  const matchLabels: Record<string, string> = {};
  let selected = inNamespace;
  for (const [k, v] of common) {
    Object.defineProperty(matchLabels, k, { value: v, enumerable: true, writable: true });
    selected = selected.filter((p) => p.labels.get(k) === v);
    if (selected.length === wanted.size) break;
  }
  return { matchLabels, selected, exact: selected.length === wanted.size };
}
