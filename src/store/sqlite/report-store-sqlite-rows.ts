/**
 * The issued-report and coverage-sample row shapes and their mapping, shared by the SQLite and
 * PostgreSQL stores (same columns in both schemas).
 */
import { REPORT_KINDS, type ReportKind } from '../../domain/compliance/period.js';
import { type IssuedReport, REPORT_FORMATS, type ReportFormat } from '../report-store.js';

export interface ReportRow {
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

export interface SampleRow {
  day: number;
  cluster: string;
  namespace: string;
  workloads: number;
  ingress_isolated: number;
  egress_isolated: number;
  taken_at: number;
}

export function reportFromRow(r: ReportRow): IssuedReport {
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

export const REPORT_COLUMNS = `id, kind, period, format, scope_cluster, scope_namespaces, sha256, size_bytes,
  issued_by, issued_at, audit_seq, file_name`;
