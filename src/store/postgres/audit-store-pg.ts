/**
 * PostgreSQL implementation of the audit log (migration 4). Replicas append to one chain, so
 * each append takes a transaction-level advisory lock first: appends from every replica are
 * serialised, each reads the head the previous one wrote, and the chain stays linear (the
 * lock also covers the very first append, when there is no head row to lock yet).
 * @example const audit = new PgAuditStore(store.pool);
 */
import type pg from 'pg';

import {
  type AuditDraft,
  type AuditFilter,
  type AuditRecord,
  type AuditStore,
  GENESIS_HASH,
} from '../audit-store.js';
import { auditFromRow as toRecord, type AuditRow } from '../sqlite/audit-store-sqlite-rows.js';
import { lockKey } from './locks.js';

/** Held for the length of one append transaction. */
export const AUDIT_APPEND_LOCK = lockKey('audit-append');
/** Rows per read while walking the whole log. */
const PAGE = 2000;
const COLS = 'seq, time, actor, action, target, outcome, ip, details, prev_hash, hash';

export class PgAuditStore implements AuditStore {
  constructor(private readonly pool: pg.Pool) {}

  async append(
    draft: AuditDraft,
    seal: (seq: number, prevHash: string) => string,
  ): Promise<AuditRecord> {
    if (
      [draft.actor, draft.action, draft.target, draft.ip, draft.details].some((s) =>
        s?.includes('\0'),
      )
    )
      // The hash covers the text exactly; PostgreSQL text cannot hold NUL, so refuse, not alter.
      throw new Error('audit entries cannot contain NUL characters on PostgreSQL');
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', AUDIT_APPEND_LOCK);
      const head = (
        await client.query<{ seq: number; hash: string }>(
          'SELECT seq, hash FROM audit_head WHERE id = 1',
        )
      ).rows[0];
      const seq = (head?.seq ?? 0) + 1;
      const prevHash = head?.hash ?? GENESIS_HASH;
      const hash = seal(seq, prevHash);
      await client.query(
        `INSERT INTO audit_log (${COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          seq,
          draft.time,
          draft.actor,
          draft.action,
          draft.target,
          draft.outcome,
          draft.ip,
          draft.details,
          prevHash,
          hash,
        ],
      );
      await client.query(
        `INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
        [seq, hash],
      );
      await client.query('COMMIT');
      return { ...draft, seq, prevHash, hash };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async query(f: AuditFilter): Promise<AuditRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (op: string, value: unknown): void => {
      args.push(value);
      where.push(`${op} $${args.length}`);
    };
    if (f.from !== undefined) add('time >=', f.from);
    if (f.to !== undefined) add('time <', f.to);
    // A NUL cannot be stored, so a filter holding one matches nothing (and must not fail).
    const text = (v: string): string | null => (v.includes('\0') ? null : v);
    if (f.actor !== undefined) add('actor =', text(f.actor));
    if (f.action !== undefined) add('action =', text(f.action));
    if (f.outcome !== undefined) add('outcome =', f.outcome);
    if (f.before !== undefined) add('seq <', f.before);
    args.push(f.limit ?? 100);
    const sql = `SELECT ${COLS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq DESC LIMIT $${args.length}`;
    return (await this.pool.query<AuditRow>(sql, args)).rows.map(toRecord);
  }

  /** Every entry in sequence order, read in pages so that a long log never sits in memory. */
  async *all(): AsyncIterable<AuditRecord> {
    let after = 0;
    for (;;) {
      const res = await this.pool.query<AuditRow>(
        `SELECT ${COLS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT ${PAGE}`,
        [after],
      );
      for (const row of res.rows) yield toRecord(row);
      const last = res.rows.at(-1);
      if (!last || res.rows.length < PAGE) return;
      after = last.seq;
    }
  }

  async head(): Promise<{ seq: number; hash: string } | null> {
    const res = await this.pool.query<{ seq: number; hash: string }>(
      'SELECT seq, hash FROM audit_head WHERE id = 1',
    );
    return res.rows[0] ?? null;
  }
}
