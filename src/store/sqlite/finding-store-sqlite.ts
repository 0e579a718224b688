/**
 * SQLite findings table (migration 2). Shares the flow store's connection.
 * @example const findings = openSqliteFindingStore(openSqliteStore({ path }).db);
 */
import type Database from 'better-sqlite3';

import { type Finding, SEVERITIES } from '../../domain/detect/finding.js';
import type { FindingFilter, FindingStore } from '../finding-store.js';
import { InvalidQueryError } from '../flow-store.js';
import {
  FINDING_COLUMNS as COLUMNS,
  findingFromRow as fromRow,
  type FindingRow as Row,
} from './finding-store-sqlite-rows.js';

export class SqliteFindingStore implements FindingStore {
  constructor(private readonly db: Database.Database) {}

  async upsertFindings(findings: readonly Finding[]): Promise<number> {
    const stmt = this.db.prepare(
      `INSERT INTO findings (${COLUMNS}, created_at)
       VALUES (@id, @key, @type, @severity, @confidence, @start, @end, @status, @cluster, @namespace,
               @workload, @peer, @evidence, @explanation, @samples, @updatedAt, @updatedAt)
       ON CONFLICT (id) DO UPDATE SET key = excluded.key, type = excluded.type,
         severity = excluded.severity, confidence = excluded.confidence, start = excluded.start,
         end_time = excluded.end_time, status = excluded.status, cluster = excluded.cluster,
         namespace = excluded.namespace, workload = excluded.workload, peer = excluded.peer,
         evidence = excluded.evidence, explanation = excluded.explanation,
         samples = excluded.samples, updated_at = excluded.updated_at`,
    );
    this.db
      .transaction(() => {
        for (const f of findings) {
          stmt.run({
            id: f.id,
            key: f.key,
            type: f.type,
            severity: f.severity,
            confidence: f.confidence,
            start: f.start,
            end: f.end,
            status: f.status,
            cluster: f.subject.cluster,
            namespace: f.subject.namespace,
            workload: f.subject.workload,
            peer: f.subject.peer,
            evidence: JSON.stringify(f.evidence),
            explanation: f.explanation,
            samples: JSON.stringify(f.samples),
            updatedAt: f.updatedAt,
          });
        }
      })
      .immediate();
    return findings.length;
  }

  async listFindings(filter: FindingFilter = {}): Promise<Finding[]> {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const inList = (col: string, values: readonly string[] | undefined): void => {
      if (!values) return;
      if (values.length === 0) {
        clauses.push('0');
        return;
      }
      clauses.push(`${col} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    };
    if (filter.from !== undefined) {
      clauses.push('end_time > ?');
      params.push(filter.from);
    }
    if (filter.to !== undefined) {
      clauses.push('start < ?');
      params.push(filter.to);
    }
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
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM findings ${where} ORDER BY end_time DESC, id LIMIT ?`)
      .all(...params, limit) as Row[];
    return rows.map(fromRow);
  }

  async getFinding(id: string): Promise<Finding | null> {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM findings WHERE id = ?`).get(id) as
      Row | undefined;
    return row ? fromRow(row) : null;
  }

  async closeStale(now: number, closeAfterMs: number): Promise<number> {
    return this.db
      .prepare(
        `UPDATE findings SET status = 'closed', updated_at = ? WHERE status = 'open' AND end_time <= ?`,
      )
      .run(now, now - closeAfterMs).changes;
  }

  async deleteEndedBefore(before: number): Promise<number> {
    return this.db.prepare('DELETE FROM findings WHERE end_time < ?').run(before).changes;
  }
}

export function openSqliteFindingStore(db: Database.Database): SqliteFindingStore {
  return new SqliteFindingStore(db);
}
