/**
 * PostgreSQL policy-change journal (migration 8), on the flow store's pool. Recording the same
 * change from two replicas (both watching the cluster) keeps one row: ids are stable and
 * inserts skip ids already stored.
 * @example const changes = new PgPolicyChangeStore(store.pool);
 */
import type pg from 'pg';

import { InvalidQueryError } from '../flow-store.js';
import {
  type PolicyChangeFilter,
  type PolicyChangeRecord,
  type PolicyChangeStore,
} from '../policy-change-store.js';
import {
  POLICY_CHANGE_COLUMNS as COLUMNS,
  policyChangeFromRow as fromRow,
  type PolicyChangeRow as Row,
} from '../sqlite/policy-change-store-sqlite-rows.js';
import { pgText } from './text.js';
import { inTransaction, textList } from './tx.js';

export class PgPolicyChangeStore implements PolicyChangeStore {
  constructor(private readonly pool: pg.Pool) {}

  async recordPolicyChanges(changes: readonly PolicyChangeRecord[]): Promise<number> {
    return inTransaction(this.pool, async (c) => {
      let added = 0;
      for (const ch of changes) {
        const r = await c.query(
          `INSERT INTO policy_changes (${COLUMNS})
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
          [
            pgText(ch.id),
            ch.time,
            pgText(ch.cluster),
            ch.kind,
            ch.type,
            pgText(ch.namespace),
            pgText(ch.name),
            pgText(ch.resourceVersion),
            ch.seenBy,
            pgText(ch.summary),
            JSON.stringify(ch.diff),
            ch.after === null || ch.after === undefined ? null : JSON.stringify(ch.after),
          ],
        );
        added += r.rowCount ?? 0;
      }
      return added;
    });
  }

  async listPolicyChanges(filter: PolicyChangeFilter = {}): Promise<PolicyChangeRecord[]> {
    const clauses: string[] = [];
    const values: unknown[] = [];
    const arg = (v: unknown): string => {
      values.push(v);
      return `$${values.length}`;
    };
    const inList = (col: string, list: readonly string[] | undefined): void => {
      if (list) clauses.push(`${col} = ANY(${arg(textList(list))}::text[])`);
    };
    if (filter.from !== undefined) clauses.push(`time >= ${arg(filter.from)}`);
    if (filter.to !== undefined) clauses.push(`time < ${arg(filter.to)}`);
    inList('cluster', filter.cluster);
    inList('namespace', filter.namespace);
    inList('kind', filter.kind);
    const limit = filter.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new InvalidQueryError('limit must be an integer from 1 to 10000');
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const res = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM policy_changes ${where} ORDER BY time DESC, id DESC LIMIT ${arg(limit)}`,
      values,
    );
    return res.rows.map(fromRow);
  }

  async latestPolicyStates(cluster: string): Promise<PolicyChangeRecord[]> {
    // The newest row per object (ties broken by insertion order), then deletes dropped.
    const res = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM (
         SELECT DISTINCT ON (kind, namespace, name) *
         FROM policy_changes WHERE cluster = $1
         ORDER BY kind, namespace, name, time DESC, seq DESC) newest
       WHERE type <> 'deleted' ORDER BY kind, namespace, name`,
      [pgText(cluster)],
    );
    return res.rows.map(fromRow);
  }

  async deletePolicyChangesBefore(before: number): Promise<number> {
    const res = await this.pool.query('DELETE FROM policy_changes WHERE time < $1', [before]);
    return res.rowCount ?? 0;
  }
}
