/**
 * Storage seam for the audit log: append-only, hash-chained. The store computes nothing; the
 * audit service builds each entry's hash from the previous one inside `append`'s transaction.
 */
export interface AuditRecord {
  seq: number;
  time: number;
  actor: string;
  action: string;
  target: string | null;
  outcome: 'ok' | 'denied' | 'failed';
  ip: string | null;
  /** JSON text of the details, exactly as hashed. */
  details: string;
  prevHash: string;
  hash: string;
}

/** The hash before the first entry: every backend starts its chain here. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditDraft = Omit<AuditRecord, 'seq' | 'prevHash' | 'hash'>;

export interface AuditFilter {
  from?: number;
  to?: number;
  actor?: string;
  action?: string;
  outcome?: AuditRecord['outcome'];
  /** Entries with a smaller sequence number (paging backwards, newest first). */
  before?: number;
  limit?: number;
}

export interface AuditStore {
  /**
   * Appends one entry atomically: reads the head, lets `seal` compute the hash from the
   * previous hash and the new sequence number, and writes the row and the new head.
   */
  append(draft: AuditDraft, seal: (seq: number, prevHash: string) => string): Promise<AuditRecord>;
  /** Newest first. */
  query(filter: AuditFilter): Promise<AuditRecord[]>;
  /**
   * Every entry in sequence order, for verification. Asynchronous for backends that read over
   * the network (PostgreSQL reads it in pages); SQLite yields synchronously.
   */
  all(): Iterable<AuditRecord> | AsyncIterable<AuditRecord>;
  /** The recorded head: the last sequence number and hash written through `append`. */
  head(): Promise<{ seq: number; hash: string } | null>;
}
