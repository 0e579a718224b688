/**
 * SQLite reports and coverage samples (migration 7). Shares the flow store's connection.
 * @example const reports = openSqliteReportStore(openSqliteStore({ path }).db);
 */
import type Database from 'better-sqlite3';

import { REPORT_KINDS, type ReportKind } from '../../domain/compliance/period.js';
import {
  type CoverageSample,
  type IssuedReport,
  REPORT_FORMATS,
  type ReportFormat,
  type ReportListFilter,
  type ReportStore,
} from '../report-store.js';

interface Row {
  id: string;
  kind: string;
  period: string;
  format: string;
  scope_cluster: string | null;
  scope_namespaces: string | null;
  sha256: string;
  size_bytes: number;
  issued_by: string;
  issued_at: number;
  audit_seq: number | null;
  file_name: string;
}

interface SampleRow {
  day: number;
  cluster: string;
  namespace: string;
  workloads: number;
  ingress_isolated: number;
  egress_isolated: number;
  taken_at: number;
}

function fromRow(r: Row): IssuedReport {
  // Read back defensively: a value outside the vocabulary is a corrupt row, not a report.
  if (!(REPORT_KINDS as readonly string[]).includes(r.kind))
    throw new Error(`report ${r.id}: bad kind`);
  if (!(REPORT_FORMATS as readonly string[]).includes(r.format))
    throw new Error(`report ${r.id}: bad format`);
  const ns: unknown = r.scope_namespaces === null ? null : JSON.parse(r.scope_namespaces);
  return {
    id: r.id,
    kind: r.kind as ReportKind,
    period: r.period,
    format: r.format as ReportFormat,
    scope: { cluster: r.scope_cluster, namespaces: Array.isArray(ns) ? ns.map(String) : null },
    sha256: r.sha256,
    sizeBytes: r.size_bytes,
    issuedBy: r.issued_by,
    issuedAt: r.issued_at,
    auditSeq: r.audit_seq,
    fileName: r.file_name,
  };
}

const COLUMNS = `id, kind, period, format, scope_cluster, scope_namespaces, sha256, size_bytes,
  issued_by, issued_at, audit_seq, file_name`;

export class SqliteReportStore implements ReportStore {
  constructor(private readonly db: Database.Database) {}

  async recordIssued(r: IssuedReport, document: Uint8Array): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO reports_issued (${COLUMNS}, document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.id,
        r.kind,
        r.period,
        r.format,
        r.scope.cluster,
        r.scope.namespaces === null ? null : JSON.stringify(r.scope.namespaces),
        r.sha256.toLowerCase(),
        r.sizeBytes,
        r.issuedBy,
        r.issuedAt,
        r.auditSeq,
        r.fileName,
        Buffer.from(document),
      );
  }

  async getReport(id: string): Promise<IssuedReport | null> {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM reports_issued WHERE id = ?`).get(id) as
      Row | undefined;
    return row ? fromRow(row) : null;
  }

  async getDocument(id: string): Promise<Uint8Array | null> {
    const row = this.db.prepare('SELECT document FROM reports_issued WHERE id = ?').get(id) as
      { document: Buffer } | undefined;
    return row ? new Uint8Array(row.document) : null;
  }

  async findByHash(sha256: string): Promise<IssuedReport[]> {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM reports_issued WHERE sha256 = ? ORDER BY issued_at, id`)
      .all(sha256.toLowerCase()) as Row[];
    return rows.map(fromRow);
  }

  async listReports(filter: ReportListFilter = {}): Promise<IssuedReport[]> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const rows = (
      filter.kind
        ? this.db
            .prepare(
              `SELECT ${COLUMNS} FROM reports_issued WHERE kind = ? ORDER BY issued_at DESC, id DESC LIMIT ?`,
            )
            .all(filter.kind, limit)
        : this.db
            .prepare(
              `SELECT ${COLUMNS} FROM reports_issued ORDER BY issued_at DESC, id DESC LIMIT ?`,
            )
            .all(limit)
    ) as Row[];
    return rows.map(fromRow);
  }

  async putCoverageSamples(samples: readonly CoverageSample[]): Promise<number> {
    const stmt = this.db.prepare(
      `INSERT OR REPLACE INTO coverage_samples
         (day, cluster, namespace, workloads, ingress_isolated, egress_isolated, taken_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      for (const s of samples)
        stmt.run(
          s.day,
          s.cluster,
          s.namespace,
          s.workloads,
          s.ingressIsolated,
          s.egressIsolated,
          s.takenAt,
        );
    })();
    return samples.length;
  }

  async listCoverageSamples(from: number, to: number, cluster?: string): Promise<CoverageSample[]> {
    const rows = (
      cluster === undefined
        ? this.db
            .prepare(
              'SELECT * FROM coverage_samples WHERE day >= ? AND day < ? ORDER BY day, cluster, namespace',
            )
            .all(from, to)
        : this.db
            .prepare(
              'SELECT * FROM coverage_samples WHERE day >= ? AND day < ? AND cluster = ? ORDER BY day, namespace',
            )
            .all(from, to, cluster)
    ) as SampleRow[];
    return rows.map((r) => ({
      day: r.day,
      cluster: r.cluster,
      namespace: r.namespace,
      workloads: r.workloads,
      ingressIsolated: r.ingress_isolated,
      egressIsolated: r.egress_isolated,
      takenAt: r.taken_at,
    }));
  }
}

export function openSqliteReportStore(db: Database.Database): ReportStore {
  return new SqliteReportStore(db);
}
