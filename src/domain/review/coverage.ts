/**
 * Coverage changes for the review: which workloads lost isolation (no policy selects them any
 * more for a direction) since the snapshot taken at the previous sign-off.
 */
import type { Severity } from '../detect/finding.js';
import { isolation } from '../netpol/evaluate.js';
import type { ClusterModel } from '../netpol/model.js';
import { workloadKey } from '../netpol/workloads.js';
import type { CoverageSnapshot, ReviewItem } from './types.js';

/** Isolation per workload: a workload counts as isolated for a direction when all its pods are. */
export function coverageSnapshot(model: ClusterModel): CoverageSnapshot {
  const out: CoverageSnapshot = {};
  for (const pod of model.pods) {
    const key = workloadKey(pod.workload);
    const ingress = isolation(model, pod.id, 'ingress').length > 0;
    const egress = isolation(model, pod.id, 'egress').length > 0;
    const prev = out[key];
    out[key] = prev
      ? { ingress: prev.ingress && ingress, egress: prev.egress && egress }
      : { ingress, egress };
  }
  return out;
}

function split(key: string): { namespace: string; workload: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), workload: key.slice(i + 1) };
}

/**
 * Items for workloads isolated in `before` and not in `now`, per direction, and one item per
 * namespace where every workload that was isolated lost it (the namespace lost isolation).
 * Workloads that disappeared are not losses.
 */
export function lostIsolation(
  cluster: string,
  before: CoverageSnapshot,
  now: CoverageSnapshot,
  at: number,
): ReviewItem[] {
  const items: ReviewItem[] = [];
  const perNs = new Map<string, { lost: number; was: number }>();
  for (const [key, prev] of Object.entries(before)) {
    const cur = now[key];
    if (!cur) continue;
    const { namespace, workload } = split(key);
    const stat = perNs.get(namespace) ?? { lost: 0, was: 0 };
    if (prev.ingress || prev.egress) stat.was++;
    let lostAny = false;
    for (const dir of ['ingress', 'egress'] as const) {
      if (!prev[dir] || cur[dir]) continue;
      lostAny = true;
      const severity: Severity = dir === 'ingress' ? 'medium' : 'low';
      items.push({
        key: `coverage:${key}:${dir}`,
        kind: 'coverage',
        cluster,
        namespace,
        peerNamespace: null,
        workload,
        severity,
        title: `${workload} in ${namespace} lost ${dir} isolation`,
        detail: `At the last sign-off a NetworkPolicy selected ${workload} for ${dir}; none does now, so all ${dir} traffic is allowed.`,
        findingId: null,
        findingKey: null,
        findingType: null,
        state: null,
        start: at,
        end: at,
      });
    }
    if (lostAny) stat.lost++;
    perNs.set(namespace, stat);
  }
  for (const [namespace, s] of perNs)
    if (s.was > 1 && s.lost === s.was)
      items.push({
        key: `coverage:${namespace}:namespace`,
        kind: 'coverage',
        cluster,
        namespace,
        peerNamespace: null,
        workload: null,
        severity: 'high',
        title: `Namespace ${namespace} lost isolation`,
        detail: `Every one of the ${s.was} workloads isolated at the last sign-off lost isolation.`,
        findingId: null,
        findingKey: null,
        findingType: null,
        state: null,
        start: at,
        end: at,
      });
  return items.sort((a, b) => a.key.localeCompare(b.key));
}
