/**
 * Storage of issued reports (their SHA-256, kind, period, scope and the document itself) and
 * of daily policy-coverage samples, so that coverage over time survives model changes.
 * Backend-free: SQLite implements it in `sqlite/report-store-sqlite.ts`; the shared contract
 * is `contract/report-contract.ts`.
 */
import type { ReportFormat, ReportKind } from '../domain/compliance/period.js';

export { REPORT_FORMATS, type ReportFormat } from '../domain/compliance/period.js';

export interface ReportScope {
  cluster: string | null;
  /** Namespaces the report was limited to; null = all. */
  namespaces: string[] | null;
}

export interface IssuedReport {
  id: string;
  kind: ReportKind;
  /** `2026-11-25`, `2026-11` or `2026`. */
  period: string;
  format: ReportFormat;
  scope: ReportScope;
  /** Lower-case hex SHA-256 of the document as issued. */
  sha256: string;
  sizeBytes: number;
  issuedBy: string;
  issuedAt: number;
  /** Sequence number of the `report.issue` audit entry, or null when it could not be written. */
  auditSeq: number | null;
  /** Suggested file name for downloads. */
  fileName: string;
}

export interface ReportListFilter {
  /** Default 100, at most 1000; newest first. */
  limit?: number;
  kind?: ReportKind;
}

/** One day's isolation figures for one namespace. */
export interface CoverageSample {
  /** UTC midnight of the day. */
  day: number;
  cluster: string;
  namespace: string;
  workloads: number;
  /** Workloads selected by at least one ingress (resp. egress) policy. */
  ingressIsolated: number;
  egressIsolated: number;
  takenAt: number;
}

export interface ReportStore {
  /** Records an issued report with its document. Ids are unique. */
  recordIssued(report: IssuedReport, document: Uint8Array): Promise<void>;
  getReport(id: string): Promise<IssuedReport | null>;
  /** The stored document, or null for an unknown id. */
  getDocument(id: string): Promise<Uint8Array | null>;
  /** Every report with this hash (the same document may be issued twice), oldest first. */
  findByHash(sha256: string): Promise<IssuedReport[]>;
  listReports(filter?: ReportListFilter): Promise<IssuedReport[]>;
  /** Inserts or replaces the sample of (day, cluster, namespace). */
  putCoverageSamples(samples: readonly CoverageSample[]): Promise<number>;
  /** Samples with `from <= day < to`, optionally of one cluster, by day then namespace. */
  listCoverageSamples(from: number, to: number, cluster?: string): Promise<CoverageSample[]>;
}
