/**
 * Reads what the alert rules need from the stores: denied traffic per workload from the
 * 1-minute rollups (never raw events), and open or recently ended findings.
 */
import type { DropCount } from '../../domain/detect/alert-eval.js';
import type { DropRule } from '../../domain/detect/alert-rules.js';
import type { Finding } from '../../domain/detect/finding.js';
import type { FindingStore } from '../../store/finding-store.js';
import type { FlowStore, RollupRow } from '../../store/flow-store.js';
import { MAX_ROLLUP_ROWS } from '../../store/rollup-shape.js';

/**
 * Denied traffic over [now - windowMs, now) per workload on the rule's side: the destination
 * for ingress (to the workload), the source for egress (from it). Packets where every source
 * of a workload reports them, flows otherwise.
 */
export async function loadDropCounts(
  store: FlowStore,
  rule: Pick<DropRule, 'direction' | 'windowMs'>,
  now: number,
): Promise<DropCount[]> {
  const ingress = rule.direction === 'ingress';
  const rows = await store.queryRollups({
    resolution: '1m',
    from: now - rule.windowMs,
    to: now,
    verdict: ['denied'],
    direction: [rule.direction],
    groupBy: ingress
      ? ['cluster', 'dstNamespace', 'dstWorkload', 'source']
      : ['cluster', 'srcNamespace', 'srcWorkload', 'source'],
    limit: MAX_ROLLUP_ROWS,
  });
  const byWorkload = new Map<string, { count: DropCount; rows: RollupRow[] }>();
  for (const r of rows) {
    const namespace = (ingress ? r.dstNamespace : r.srcNamespace) ?? null;
    const workload = (ingress ? r.dstWorkload : r.srcWorkload) ?? null;
    const key = JSON.stringify([r.cluster, namespace, workload]);
    let entry = byWorkload.get(key);
    if (!entry) {
      entry = {
        count: { cluster: r.cluster ?? '', namespace, workload, value: 0, unit: 'packets' },
        rows: [],
      };
      byWorkload.set(key, entry);
    }
    entry.rows.push(r);
  }
  return [...byWorkload.values()].map(({ count, rows: rs }) => {
    const packets = rs.every((r) => r.packets !== null);
    const value = rs.reduce((s, r) => s + ((packets ? r.packets : r.flows) ?? 0), 0);
    return { ...count, value, unit: packets ? 'packets' : 'flows' };
  });
}

/** Open findings, plus those that ended within `recentMs` (so their alerts can resolve). */
export async function loadAlertFindings(
  findings: FindingStore,
  now: number,
  recentMs: number,
): Promise<Finding[]> {
  const open = await findings.listFindings({ status: ['open'], limit: 10_000 });
  const recent = await findings.listFindings({
    status: ['closed'],
    from: now - recentMs,
    limit: 10_000,
  });
  const byId = new Map<string, Finding>();
  for (const f of [...recent, ...open]) byId.set(f.id, f);
  return [...byId.values()];
}
