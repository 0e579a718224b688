/**
 * PostgreSQL issued reports and coverage samples (migration 7), on the flow store's pool.
 * Documents are `bytea`.
 * @example const reports = new PgReportStore(store.pool);
 */
import type pg from 'pg';

import type {
  CoverageSample,
  IssuedReport,
  ReportListFilter,
  ReportStore,
} from '../report-store.js';
import {
  REPORT_COLUMNS as COLUMNS,
  reportFromRow as fromRow,
  type ReportRow as Row,
  type SampleRow,
} from '../sqlite/report-store-sqlite-rows.js';
import { pgText } from './text.js';
import { inTransaction } from './tx.js';

export class PgReportStore implements ReportStore {
  constructor(private readonly pool: pg.Pool) {}

  async recordIssued(r: IssuedReport, document: Uint8Array): Promise<void> {
    await this.pool.query(
      `INSERT INTO reports_issued (${COLUMNS}, document)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        pgText(r.id),
        r.kind,
        pgText(r.period),
        r.format,
        pgText(r.scope.cluster),
        r.scope.namespaces === null ? null : JSON.stringify(r.scope.namespaces),
        pgText(r.sha256.toLowerCase()),
        r.sizeBytes,
        pgText(r.issuedBy),
        r.issuedAt,
        r.auditSeq,
        pgText(r.fileName),
        Buffer.from(document),
      ],
    );
  }

  async getReport(id: string): Promise<IssuedReport | null> {
    const res = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM reports_issued WHERE id = $1`, [
      pgText(id),
    ]);
    const row = res.rows[0];
    return row ? fromRow(row) : null;
  }

  async getDocument(id: string): Promise<Uint8Array | null> {
    const res = await this.pool.query<{ document: Buffer }>(
      'SELECT document FROM reports_issued WHERE id = $1',
      [pgText(id)],
    );
    const row = res.rows[0];
    return row ? new Uint8Array(row.document) : null;
  }

  async findByHash(sha256: string): Promise<IssuedReport[]> {
    const res = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM reports_issued WHERE sha256 = $1 ORDER BY issued_at, id`,
      [pgText(sha256.toLowerCase())],
    );
    return res.rows.map(fromRow);
  }

  async listReports(filter: ReportListFilter = {}): Promise<IssuedReport[]> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const res = filter.kind
      ? await this.pool.query<Row>(
          `SELECT ${COLUMNS} FROM reports_issued WHERE kind = $1
           ORDER BY issued_at DESC, id DESC LIMIT $2`,
          [filter.kind, limit],
        )
      : await this.pool.query<Row>(
          `SELECT ${COLUMNS} FROM reports_issued ORDER BY issued_at DESC, id DESC LIMIT $1`,
          [limit],
        );
    return res.rows.map(fromRow);
  }

  async putCoverageSamples(samples: readonly CoverageSample[]): Promise<number> {
    // Sorted by key: replicas writing overlapping samples lock rows in one order.
    const sorted = [...samples].sort(
      (a, b) =>
        a.day - b.day ||
        (a.cluster < b.cluster ? -1 : a.cluster > b.cluster ? 1 : 0) ||
        (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0),
    );
    await inTransaction(this.pool, async (c) => {
      for (const s of sorted)
        await c.query(
          `INSERT INTO coverage_samples
             (day, cluster, namespace, workloads, ingress_isolated, egress_isolated, taken_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (day, cluster, namespace) DO UPDATE SET workloads = excluded.workloads,
             ingress_isolated = excluded.ingress_isolated,
             egress_isolated = excluded.egress_isolated, taken_at = excluded.taken_at`,
          [
            s.day,
            pgText(s.cluster),
            pgText(s.namespace),
            s.workloads,
            s.ingressIsolated,
            s.egressIsolated,
            s.takenAt,
          ],
        );
    });
    return samples.length;
  }

  async listCoverageSamples(from: number, to: number, cluster?: string): Promise<CoverageSample[]> {
    const res =
      cluster === undefined
        ? await this.pool.query<SampleRow>(
            'SELECT * FROM coverage_samples WHERE day >= $1 AND day < $2 ORDER BY day, cluster, namespace',
            [from, to],
          )
        : await this.pool.query<SampleRow>(
            'SELECT * FROM coverage_samples WHERE day >= $1 AND day < $2 AND cluster = $3 ORDER BY day, namespace',
            [from, to, pgText(cluster)],
          );
    return res.rows.map((r) => ({
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
