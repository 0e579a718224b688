/**
 * Storage of findings (detection issue): stored, updated while ongoing, closed when the
 * activity stops. Kept for 3 years by default (DESIGN.md §5).
 */
import type { Finding, FindingType, Severity } from '../domain/detect/finding.js';

export interface FindingFilter {
  /** Findings whose span overlaps [from, to). */
  from?: number;
  to?: number;
  type?: FindingType[];
  status?: Finding['status'][];
  minSeverity?: Severity;
  cluster?: string[];
  /** Subject namespace. */
  namespace?: string[];
  /** Exact finding keys (reconciliation looks findings up by key). */
  keys?: string[];
  /** Default 1000, at most 10000; newest end first. */
  limit?: number;
}

export interface FindingStore {
  /** Inserts or replaces by id, in one transaction. Returns how many were written. */
  upsertFindings(findings: readonly Finding[]): Promise<number>;
  listFindings(filter?: FindingFilter): Promise<Finding[]>;
  getFinding(id: string): Promise<Finding | null>;
  /** Marks open findings whose activity ended at least `closeAfterMs` before `now` as closed. */
  closeStale(now: number, closeAfterMs: number): Promise<number>;
  /** Deletes findings that ended before `before` (retention). */
  deleteEndedBefore(before: number): Promise<number>;
}

/** Findings are kept 3 years by default. */
export const DEFAULT_FINDING_RETENTION_MS = 3 * 365 * 86_400_000;
