/** What a detector emits before reconciliation gives it an id and a status. */
import type { Finding } from './finding.js';

export type FindingDraft = Omit<Finding, 'id' | 'status' | 'updatedAt'>;

/** The finding key: type plus the subject's identity (and a detector-specific discriminator). */
export function findingKey(
  type: Finding['type'],
  subject: Finding['subject'],
  extra: string = '',
): string {
  return [
    type,
    subject.cluster,
    subject.namespace ?? '',
    subject.workload ?? '',
    subject.peer ?? '',
    extra,
  ].join('|');
}

export function emptyEvidence(unit: Finding['evidence']['unit']): Finding['evidence'] {
  return {
    unit,
    observed: 0,
    usual: null,
    spread: null,
    distinctPorts: null,
    distinctHosts: null,
    ratePerMin: null,
    extra: {},
  };
}

const round = (n: number, digits = 3): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** Numbers in evidence are rounded so that re-runs compare equal and text stays short. */
export function roundEvidence(e: Finding['evidence']): Finding['evidence'] {
  const r = (v: number | null): number | null => (v === null ? null : round(v));
  const extra: Record<string, number> = {};
  for (const [k, v] of Object.entries(e.extra)) extra[k] = round(v);
  return {
    ...e,
    observed: round(e.observed),
    usual: r(e.usual),
    spread: r(e.spread),
    ratePerMin: r(e.ratePerMin),
    extra,
  };
}

/** Severity order, for comparisons. */
export const SEVERITY_RANK: Readonly<Record<Finding['severity'], number>> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};
