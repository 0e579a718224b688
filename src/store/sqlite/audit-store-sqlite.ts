/** SQLite implementation of the audit log: one IMMEDIATE transaction per append. */
import Database from 'better-sqlite3';

import {
  type AuditDraft,
  type AuditFilter,
  type AuditRecord,
  type AuditStore,
  GENESIS_HASH,
} from '../audit-store.js';
import { auditFromRow as toRecord, type AuditRow } from './audit-store-sqlite-rows.js';

export class SqliteAuditStore implements AuditStore {
  constructor(private readonly db: Database.Database) {}

  async append(
    draft: AuditDraft,
    seal: (seq: number, prev: string) => string,
  ): Promise<AuditRecord> {
    const tx = this.db.transaction((): AuditRecord => {
      const head = this.db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as
        { seq: number; hash: string } | undefined;
      const seq = (head?.seq ?? 0) + 1;
      const prevHash = head?.hash ?? GENESIS_HASH;
      const hash = seal(seq, prevHash);
      this.db
        .prepare(
          `INSERT INTO audit_log (seq, time, actor, action, target, outcome, ip, details, prev_hash, hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
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
        );
      this.db
        .prepare(
          `INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?)
           ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash`,
        )
        .run(seq, hash);
      return { ...draft, seq, prevHash, hash };
    });
    return tx.immediate();
  }

  async query(f: AuditFilter): Promise<AuditRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, value: unknown): void => {
      where.push(clause);
      args.push(value);
    };
    if (f.from !== undefined) add('time >= ?', f.from);
    if (f.to !== undefined) add('time < ?', f.to);
    if (f.actor !== undefined) add('actor = ?', f.actor);
    if (f.action !== undefined) add('action = ?', f.action);
    if (f.outcome !== undefined) add('outcome = ?', f.outcome);
    if (f.before !== undefined) add('seq < ?', f.before);
    args.push(f.limit ?? 100);
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args) as AuditRow[]).map(toRecord);
  }

  *all(): Iterable<AuditRecord> {
    // Physical order (rowid is seq), so a reordering shows up as a sequence break.
    for (const row of this.db.prepare('SELECT * FROM audit_log ORDER BY rowid').iterate())
      yield toRecord(row as AuditRow);
  }

  async head(): Promise<{ seq: number; hash: string } | null> {
    const h = this.db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as
      { seq: number; hash: string } | undefined;
    return h ?? null;
  }
}

/**
 * Opens a database file read-only for verification, so that checking a chain can never
 * change it. The caller closes the returned handle.
 */
export function openAuditStoreReadOnly(path: string): {
  store: SqliteAuditStore;
  close(): void;
} {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  return { store: new SqliteAuditStore(db), close: () => db.close() };
}
