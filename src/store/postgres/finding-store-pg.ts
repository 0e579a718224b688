/**
 * PostgreSQL findings table (migration 2), on the flow store's pool. Same semantics as the
 * SQLite store; names from flows go through `pgText` (PostgreSQL text cannot hold NUL), on
 * writes and on key/id look-ups alike, so a look-up finds what was written.
 * @example const findings = new PgFindingStore(store.pool);
 */
import type pg from 'pg';

import { type Finding, SEVERITIES } from '../../domain/detect/finding.js';
import type { FindingFilter, FindingStore } from '../finding-store.js';
import { InvalidQueryError } from '../flow-store.js';
import {
  FINDING_COLUMNS as COLUMNS,
  findingFromRow as fromRow,
  type FindingRow as Row,
} from '../sqlite/finding-store-sqlite-rows.js';
import { pgText } from './text.js';

const UPSERT = `INSERT INTO findings (${COLUMNS}, created_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
  ON CONFLICT (id) DO UPDATE SET key = excluded.key, type = excluded.type,
    severity = excluded.severity, confidence = excluded.confidence, start = excluded.start,
    end_time = excluded.end_time, status = excluded.status, cluster = excluded.cluster,
    namespace = excluded.namespace, workload = excluded.workload, peer = excluded.peer,
    evidence = excluded.evidence, explanation = excluded.explanation,
    samples = excluded.samples, updated_at = excluded.updated_at`;

function params(f: Finding): unknown[] {
  return [
    pgText(f.id),
    pgText(f.key),
    f.type,
    f.severity,
    f.confidence,
    f.start,
    f.end,
    f.status,
    pgText(f.subject.cluster),
    pgText(f.subject.namespace),
    pgText(f.subject.workload),
    pgText(f.subject.peer),
    // JSON text escapes NUL, so evidence and samples keep it exactly.
    JSON.stringify(f.evidence),
    pgText(f.explanation),
    JSON.stringify(f.samples),
    f.updatedAt,
  ];
}

export class PgFindingStore implements FindingStore {
  constructor(private readonly pool: pg.Pool) {}

  async upsertFindings(findings: readonly Finding[]): Promise<number> {
    if (findings.length === 0) return 0;
    // Sorted by id: two replicas upserting overlapping sets lock rows in one order.
    const sorted = [...findings].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const f of sorted)
        await client.query({ name: 'finding-upsert', text: UPSERT, values: params(f) });
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    return findings.length;
  }

  async listFindings(filter: FindingFilter = {}): Promise<Finding[]> {
    const clauses: string[] = [];
    const values: unknown[] = [];
    const arg = (v: unknown): string => {
      values.push(v);
      return `$${values.length}`;
    };
    const inList = (col: string, list: readonly (string | null)[] | undefined): void => {
      if (!list) return;
      clauses.push(`${col} = ANY(${arg(list.map((v) => pgText(v)))}::text[])`);
    };
    if (filter.from !== undefined) clauses.push(`end_time > ${arg(filter.from)}`);
    if (filter.to !== undefined) clauses.push(`start < ${arg(filter.to)}`);
    inList('type', filter.type);
    inList('status', filter.status);
    inList('cluster', filter.cluster);
    inList('namespace', filter.namespace);
    inList('key', filter.keys);
    if (filter.minSeverity !== undefined) {
      const idx = SEVERITIES.indexOf(filter.minSeverity);
      if (idx < 0) throw new InvalidQueryError('unknown severity');
      inList('severity', SEVERITIES.slice(idx));
    }
    const limit = filter.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new InvalidQueryError('limit must be an integer from 1 to 10000');
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const res = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM findings ${where} ORDER BY end_time DESC, id LIMIT ${arg(limit)}`,
      values,
    );
    return res.rows.map(fromRow);
  }

  async getFinding(id: string): Promise<Finding | null> {
    const res = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM findings WHERE id = $1`, [
      pgText(id),
    ]);
    const row = res.rows[0];
    return row ? fromRow(row) : null;
  }

  async closeStale(now: number, closeAfterMs: number): Promise<number> {
    const res = await this.pool.query(
      `UPDATE findings SET status = 'closed', updated_at = $1 WHERE status = 'open' AND end_time <= $2`,
      [now, now - closeAfterMs],
    );
    return res.rowCount ?? 0;
  }

  async deleteEndedBefore(before: number): Promise<number> {
    const res = await this.pool.query('DELETE FROM findings WHERE end_time < $1', [before]);
    return res.rowCount ?? 0;
  }
}
