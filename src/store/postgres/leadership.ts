/**
 * One-replica-at-a-time jobs (detection, retention) over a shared PostgreSQL database, through
 * session advisory locks. The lock lives on one pooled connection held for the job's duration:
 * if that connection or the replica dies, PostgreSQL releases the lock and another replica
 * takes over at its next attempt.
 */
import type pg from 'pg';

import type { FlowStore } from '../flow-store.js';
import { lockKey } from './locks.js';

export interface Leadership {
  /** The lock's name, as given. */
  name: string;
  /**
   * Aborted when the lock's connection breaks (server restart, failover, network): the lock is
   * gone and another replica may take over, so a long job should stop.
   */
  signal: AbortSignal;
  /** Unlocks and returns the connection to the pool. Safe to call twice. */
  release(): Promise<void>;
}

/** Takes the named lock if no other session holds it; null when another replica leads. */
export async function tryAdvisoryLock(pool: pg.Pool, name: string): Promise<Leadership | null> {
  const key = lockKey(`leader:${name}`);
  const client = await pool.connect();
  let got = false;
  try {
    const res = await client.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock($1, $2) AS ok',
      key,
    );
    got = res.rows[0]?.ok === true;
  } finally {
    if (!got) client.release();
  }
  if (!got) return null;
  const lost = new AbortController();
  // A checked-out connection that breaks emits 'error'; unheard, it would crash the process.
  const onError = (err: Error): void => lost.abort(err);
  client.on('error', onError);
  let released = false;
  return {
    name,
    signal: lost.signal,
    release: async () => {
      if (released) return;
      released = true;
      let broken: Error | undefined = lost.signal.aborted
        ? new Error('connection lost')
        : undefined;
      try {
        if (!broken) await client.query('SELECT pg_advisory_unlock($1, $2)', key);
      } catch (err) {
        // Dropping the connection releases the lock all the same.
        broken = err instanceof Error ? err : new Error(String(err));
      } finally {
        client.off('error', onError);
        client.release(broken);
      }
    },
  };
}

/** A store that can coordinate jobs across replicas (the PostgreSQL store). */
export interface LeadershipCapable {
  tryLeadership(name: string): Promise<Leadership | null>;
}

function canLead(store: FlowStore): store is FlowStore & LeadershipCapable {
  return typeof (store as Partial<LeadershipCapable>).tryLeadership === 'function';
}

export type LockedRun<T> = { ran: true; value: T } | { ran: false };

/**
 * Runs `fn` while holding the named lock, or skips it when another replica holds it. A store
 * without cross-replica locks (the embedded SQLite store: one server per file) always runs it.
 *
 * @example
 * const run = await withAdvisoryLock(store, 'retention', () => store.applyRetention(Date.now(), policy));
 * if (!run.ran) log.debug('retention runs on another replica');
 */
export async function withAdvisoryLock<T>(
  store: FlowStore,
  name: string,
  fn: () => Promise<T>,
): Promise<LockedRun<T>> {
  if (!canLead(store)) return { ran: true, value: await fn() };
  const lead = await store.tryLeadership(name);
  if (!lead) return { ran: false };
  try {
    return { ran: true, value: await fn() };
  } finally {
    await lead.release();
  }
}
