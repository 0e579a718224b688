/** What every evidence computation gets: the context, the period and the caller's scope. */
import type { EvidenceFigure, EvidenceItem, EvidenceTable } from '../../api/compliance-schema.js';
import { EVIDENCE_TITLES, type EvidenceKind } from '../../domain/compliance/catalogue.js';
import type { EvidenceStatus } from '../../domain/compliance/status.js';
import type { FlowFilter } from '../../store/flow-store.js';
import type { GovernanceContext } from '../governance-context.js';

export interface EvidenceInput {
  ctx: GovernanceContext;
  /** Inclusive start, epoch ms. */
  from: number;
  /** Exclusive end, epoch ms (may lie in the future: only the elapsed part is judged). */
  to: number;
  cluster: string | null;
  /** The caller's namespaces (developer scope); null = all. */
  namespaces: readonly string[] | null;
  now: number;
}

/** The flow filter for the input's cluster and scope. */
export function baseFilter(input: EvidenceInput): FlowFilter {
  const f: FlowFilter = {};
  if (input.cluster) f.cluster = [input.cluster];
  if (input.namespaces) f.namespace = [...input.namespaces];
  return f;
}

/** End of the elapsed part of the period. */
export function elapsedEnd(input: EvidenceInput): number {
  return Math.min(input.to, input.now);
}

export function item(
  kind: EvidenceKind,
  status: EvidenceStatus,
  summary: string,
  reason: string | null,
  figures: EvidenceFigure[] = [],
  tables: EvidenceTable[] = [],
): EvidenceItem {
  return {
    kind,
    title: EVIDENCE_TITLES[kind],
    status,
    summary,
    reason: status === 'met' ? null : reason,
    figures,
    tables,
  };
}

/** A piece of evidence that cannot be computed at all: a gap with the reason. */
export function gapItem(kind: EvidenceKind, reason: string): EvidenceItem {
  return item(kind, 'gap', 'no evidence', reason);
}

/** Null-aware sum: null only when nothing was reported. */
export function addCount(a: number | null, b: number | null | undefined): number | null {
  if (b === null || b === undefined) return a;
  return (a ?? 0) + b;
}

export function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`;
}

export function isoDay(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString().slice(0, 10);
}
