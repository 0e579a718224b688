/**
 * SQLite policy-change journal (migration 8). Shares the flow store's connection.
 * @example const changes = openSqlitePolicyChangeStore(openSqliteStore({ path }).db);
 */
import type Database from 'better-sqlite3';

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
} from './policy-change-store-sqlite-rows.js';

export class SqlitePolicyChangeStore implements PolicyChangeStore {
  constructor(private readonly db: Database.Database) {}

  async recordPolicyChanges(changes: readonly PolicyChangeRecord[]): Promise<number> {
    const stmt = this.db.prepare(
      `INSERT INTO policy_changes (${COLUMNS})
       VALUES (@id, @time, @cluster, @kind, @type, @namespace, @name, @rv, @seenBy, @summary, @diff, @after)
       ON CONFLICT (id) DO NOTHING`,
    );
    let added = 0;
    this.db
      .transaction(() => {
        for (const c of changes) {
          added += stmt.run({
            id: c.id,
            time: c.time,
            cluster: c.cluster,
            kind: c.kind,
            type: c.type,
            namespace: c.namespace,
            name: c.name,
            rv: c.resourceVersion,
            seenBy: c.seenBy,
            summary: c.summary,
            diff: JSON.stringify(c.diff),
            after: c.after === null || c.after === undefined ? null : JSON.stringify(c.after),
          }).changes;
        }
      })
      .immediate();
    return added;
  }

  async listPolicyChanges(filter: PolicyChangeFilter = {}): Promise<PolicyChangeRecord[]> {
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
      clauses.push('time >= ?');
      params.push(filter.from);
    }
    if (filter.to !== undefined) {
      clauses.push('time < ?');
      params.push(filter.to);
    }
    inList('cluster', filter.cluster);
    inList('namespace', filter.namespace);
    inList('kind', filter.kind);
    const limit = filter.limit ?? 1000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new InvalidQueryError('limit must be an integer from 1 to 10000');
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM policy_changes ${where} ORDER BY time DESC, id DESC LIMIT ?`)
      .all(...params, limit) as Row[];
    return rows.map(fromRow);
  }

  async latestPolicyStates(cluster: string): Promise<PolicyChangeRecord[]> {
    // The newest row per object (ties broken by insertion order), then deletes dropped.
    const rows = this.db
      .prepare(
        `SELECT ${COLUMNS} FROM (
           SELECT *, ROW_NUMBER() OVER (
             PARTITION BY kind, namespace, name ORDER BY time DESC, rowid DESC) AS rn
           FROM policy_changes WHERE cluster = ?)
         WHERE rn = 1 AND type <> 'deleted' ORDER BY kind, namespace, name`,
      )
      .all(cluster) as Row[];
    return rows.map(fromRow);
  }

  async deletePolicyChangesBefore(before: number): Promise<number> {
    return this.db.prepare('DELETE FROM policy_changes WHERE time < ?').run(before).changes;
  }
}

export function openSqlitePolicyChangeStore(db: Database.Database): PolicyChangeStore {
  return new SqlitePolicyChangeStore(db);
}
