/**
 * Leader locks for background jobs (detection, alerting, retention) on one dedicated session,
 * outside the pool, so holding them never takes a connection from request work.
 *
 * Why a lock is released when a leader dies: session advisory locks end with their session. A
 * replica that exits or crashes closes its socket, and PostgreSQL frees its locks at once; a
 * replica whose host or network vanishes is noticed by TCP keep-alive on the server side (set
 * short per session below), after which the lock is free too. A leader that can no longer
 * reach the database notices at its next `sync` (a statement timeout bounds the wait) and
 * stops leading before another replica can have taken over.
 */
import pg from 'pg';

import { lockKey } from './locks.js';

export interface JobLockSession {
  /**
   * Keeps the session alive and tries to take every named lock not yet held. Returns the locks
   * held afterwards; an empty set when the database cannot be reached (every lock is then lost).
   */
  sync(names: readonly string[]): Promise<ReadonlySet<string>>;
  /** Ends the session, freeing every lock held. */
  close(): Promise<void>;
}

export interface JobLockOptions {
  /** Bound on each statement and on connecting, in ms. Default 5000. */
  timeoutMs?: number;
}

/** Lock key of a job; the same key `withAdvisoryLock(store, name, …)` uses. */
export function jobLockKey(name: string): [number, number] {
  return lockKey(`leader:${name}`);
}

export class PgJobLockSession implements JobLockSession {
  private client: pg.Client | null = null;
  private readonly held = new Set<string>();
  private closed = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly options: JobLockOptions = {},
  ) {}

  private async connect(): Promise<pg.Client> {
    if (this.client) return this.client;
    const timeout = this.options.timeoutMs ?? 5000;
    const client = new pg.Client({
      ...this.config,
      application_name: 'netsec-jobs',
      connectionTimeoutMillis: timeout,
      query_timeout: timeout,
      keepAlive: true,
    });
    // A broken connection emits 'error'; unheard it would crash the process. The next sync sees
    // the failed query and starts over.
    client.on('error', () => undefined);
    await client.connect();
    try {
      // The server drops a vanished leader's session (and lock) within about 20 s on TCP.
      await client.query(
        'SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; SET tcp_keepalives_count = 2',
      );
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.client = client;
    return client;
  }

  private async drop(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.held.clear();
    await c?.end().catch(() => undefined);
  }

  async sync(names: readonly string[]): Promise<ReadonlySet<string>> {
    if (this.closed) return new Set();
    try {
      const client = await this.connect();
      // A round trip even when every lock is held: proves the session (and its locks) alive.
      await client.query('SELECT 1');
      for (const name of names) {
        if (this.held.has(name)) continue;
        // Session locks stack within a session, so a held lock is never taken twice.
        const r = await client.query<{ ok: boolean }>(
          'SELECT pg_try_advisory_lock($1, $2) AS ok',
          jobLockKey(name),
        );
        if (r.rows[0]?.ok === true) this.held.add(name);
      }
      return new Set(this.held);
    } catch {
      await this.drop();
      return new Set();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drop();
  }
}
