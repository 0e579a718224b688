/**
 * From detector drafts to stored findings: overlapping drafts that describe the same activity
 * are folded into the most specific one, and a draft continues an existing finding with the
 * same key (same id, wider span) when the activity resumes within the reopen gap.
 */
import { type FindingDraft, roundEvidence, SEVERITY_RANK } from './draft.js';
import type { Finding, FindingType } from './finding.js';
import { stableHash } from './names.js';
import type { DetectOptions } from './options.js';

const ATTACKS: ReadonlySet<FindingType> = new Set(['port-scan', 'ip-sweep', 'external-probe']);

/** Higher explains more; a weaker allowed-traffic draft overlapping a stronger one is dropped. */
const PRIORITY: Readonly<Record<FindingType, number>> = {
  amplification: 4,
  exfiltration: 3,
  'traffic-spike': 2,
  'new-connection': 1,
  'port-scan': 5,
  'ip-sweep': 5,
  'external-probe': 5,
  'blocked-egress': 5,
  misconfiguration: 5,
  unknown: 5,
};

const isTotal = (d: FindingDraft): boolean =>
  /\|(egress-total|ingress-total|egress-external)\|/.test(d.key);

const overlaps = (a: FindingDraft, b: FindingDraft): boolean => a.start < b.end && b.start < a.end;

function touches(a: FindingDraft, b: FindingDraft): boolean {
  if (a.subject.cluster !== b.subject.cluster) return false;
  const wa = `${a.subject.namespace}/${a.subject.workload}`;
  const wb = `${b.subject.namespace}/${b.subject.workload}`;
  return wa === wb || a.subject.peer === wb || b.subject.peer === wa;
}

/**
 * Drops drafts another draft already explains: workload totals when a connection of that
 * workload is flagged, and weaker allowed-traffic types when a stronger one overlaps.
 */
export function consolidate(drafts: readonly FindingDraft[]): FindingDraft[] {
  return drafts.filter((d) => {
    if (ATTACKS.has(d.type) || PRIORITY[d.type] === 5) return true;
    return !drafts.some((o) => {
      if (o === d || !overlaps(o, d) || !touches(o, d)) return false;
      // Denied-traffic findings explain only the new connections they caused (a sweep's hits).
      if (PRIORITY[o.type] === 5) return ATTACKS.has(o.type) && d.type === 'new-connection';
      if (PRIORITY[o.type] > PRIORITY[d.type]) return true;
      return PRIORITY[o.type] === PRIORITY[d.type] && isTotal(d) && !isTotal(o);
    });
  });
}

export function reopenGap(type: FindingType, o: DetectOptions): number {
  return ATTACKS.has(type) ? o.attackReopenGapMs : o.reopenGapMs;
}

function merge(f: Finding, d: FindingDraft, now: number): Finding {
  const stronger = d.evidence.observed >= f.evidence.observed;
  return {
    ...f,
    start: Math.min(f.start, d.start),
    end: Math.max(f.end, d.end),
    severity: SEVERITY_RANK[d.severity] > SEVERITY_RANK[f.severity] ? d.severity : f.severity,
    confidence: Math.max(f.confidence, d.confidence),
    subject: stronger ? d.subject : f.subject,
    evidence: stronger ? roundEvidence(d.evidence) : f.evidence,
    explanation: stronger ? d.explanation : f.explanation,
    samples: [...new Set([...f.samples, ...d.samples])].slice(0, 20),
    updatedAt: now,
  };
}

/**
 * Merges `drafts` into `existing` findings (those with the same keys, from the store).
 * Returns every finding that was created or changed; status is `closed` when the activity
 * ended at least `closeAfterMs` before `now`.
 */
export function reconcile(
  drafts: readonly FindingDraft[],
  existing: readonly Finding[],
  now: number,
  o: DetectOptions,
  closeAfterMs: number,
): Finding[] {
  const byKey = new Map<string, Finding[]>();
  for (const f of existing) byKey.set(f.key, [...(byKey.get(f.key) ?? []), f]);
  const changed = new Map<string, Finding>();
  for (const d of [...drafts].sort((a, b) => a.start - b.start)) {
    const list = byKey.get(d.key) ?? [];
    const gap = reopenGap(d.type, o);
    const hit = list.find((f) => d.start <= f.end + gap && f.start <= d.end + gap);
    let next: Finding;
    if (hit) {
      next = merge(hit, d, now);
      list[list.indexOf(hit)] = next;
    } else {
      next = {
        ...d,
        evidence: roundEvidence(d.evidence),
        id: stableHash(`${d.key}|${d.start}`),
        status: 'open',
        updatedAt: now,
      };
      list.push(next);
    }
    byKey.set(d.key, list);
    changed.set(next.id, next);
  }
  return [...changed.values()].map((f) => ({
    ...f,
    status: now - f.end >= closeAfterMs ? 'closed' : 'open',
  }));
}
