/**
 * Retention in bounded chunks: each chunk is its own short statement (its own transaction), so
 * ingest on any replica never waits long. Unused aggregation keys are pruned last, under the
 * exclusive keys lock that batch transactions hold shared.
 */
import type pg from 'pg';

import { bucketStart, DAY_MS, HOUR_MS } from '../../domain/time.js';
import type { RetentionPolicy, RetentionResult } from '../flow-store.js';
import { DEFAULT_RETENTION_CHUNK, retentionCutoffs } from '../retention-policy.js';
import { ROLLUP_KEYS_LOCK } from './locks.js';
import { inTransaction } from './tx.js';

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function deleteInChunks(
  pool: pg.Pool,
  sql: string,
  cutoff: number,
  chunk: number,
): Promise<number> {
  let total = 0;
  for (;;) {
    const n = (await pool.query(sql, [cutoff, chunk])).rowCount ?? 0;
    total += n;
    if (n < chunk) return total;
    await yieldToLoop();
  }
}

export async function pgApplyRetention(
  pool: pg.Pool,
  now: number,
  policy: RetentionPolicy,
  chunk = DEFAULT_RETENTION_CHUNK,
): Promise<RetentionResult> {
  const cut = retentionCutoffs(now, policy);
  const rawDeleted = await deleteInChunks(
    pool,
    'DELETE FROM flow_events WHERE id IN (SELECT id FROM flow_events WHERE time < $1 LIMIT $2)',
    cut.raw,
    chunk,
  );
  const rollup = (table: string, cutoff: number): Promise<number> =>
    deleteInChunks(
      pool,
      `DELETE FROM ${table} WHERE (bucket, key_id) IN
         (SELECT bucket, key_id FROM ${table} WHERE bucket <= $1 LIMIT $2)`,
      cutoff,
      chunk,
    );
  const rollup1mDeleted = await rollup('rollup_1m', cut.bucket1m);
  const rollup1hDeleted = await rollup('rollup_1h', cut.bucket1h);
  // A day goes once its last hour has gone from the hourly tier.
  const rollup1dDeleted = await rollup('rollup_1d', cut.bucket1h - DAY_MS + HOUR_MS);
  const batchesDeleted = await deleteInChunks(
    pool,
    'DELETE FROM batches WHERE id IN (SELECT id FROM batches WHERE received_at < $1 LIMIT $2)',
    cut.raw,
    chunk,
  );
  // Versions live as long as the raw events they were seen in (a small table: one statement).
  await pool.query('DELETE FROM workload_versions WHERE last_seen < $1', [cut.raw]);
  if (rollup1hDeleted > 0 || rollup1mDeleted > 0 || rollup1dDeleted > 0) {
    await pruneKeys(pool, chunk);
  }
  const daysCompacted = await compactDays(pool, now);
  return {
    rawDeleted,
    rollup1mDeleted,
    rollup1hDeleted,
    batchesDeleted,
    rollup1dDeleted,
    daysCompacted,
  };
}

/**
 * Sums every day that ended by `now` into the daily tier, oldest first, one day per
 * transaction (see the SQLite store's daily-tier.ts). Each holds the keys lock exclusively:
 * batch transactions hold it shared and read `rollup_1d_through` under it, so no batch can
 * write an hour of a day while that day is summed, nor miss that it was.
 */
async function compactDays(pool: pg.Pool, now: number): Promise<number> {
  const today = bucketStart(now, DAY_MS);
  let days = 0;
  for (;;) {
    const summed = await inTransaction(pool, async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, $2)', ROLLUP_KEYS_LOCK);
      const mark = await client.query<{ t: string }>(
        "SELECT value AS t FROM store_meta WHERE name = 'rollup_1d_through'",
      );
      const from = Number(mark.rows[0]?.t ?? 0);
      if (from >= today) return false;
      const first = await client.query<{ b: string | null }>(
        'SELECT min(bucket) AS b FROM rollup_1h WHERE bucket >= $1',
        [from],
      );
      const firstHour = first.rows[0]?.b === null ? null : Number(first.rows[0]?.b);
      const setThrough = (t: number): Promise<unknown> =>
        client.query("UPDATE store_meta SET value = $1 WHERE name = 'rollup_1d_through'", [
          String(t),
        ]);
      if (firstHour === null || firstHour >= today) {
        await setThrough(today);
        return false;
      }
      const day = bucketStart(firstHour, DAY_MS);
      await client.query(
        `INSERT INTO rollup_1d (bucket, key_id, flows, packets, bytes, first_seen, last_seen)
         SELECT $1::bigint, key_id, sum(flows), sum(packets), sum(bytes), min(first_seen), max(last_seen)
         FROM rollup_1h WHERE bucket >= $1 AND bucket < $2 GROUP BY key_id`,
        [day, day + DAY_MS],
      );
      await setThrough(day + DAY_MS);
      return true;
    });
    if (!summed) return days;
    days++;
    await yieldToLoop();
  }
}

const UNUSED = `NOT EXISTS (SELECT 1 FROM rollup_1m r WHERE r.key_id = k.id)
  AND NOT EXISTS (SELECT 1 FROM rollup_1h r WHERE r.key_id = k.id)
  AND NOT EXISTS (SELECT 1 FROM rollup_1d r WHERE r.key_id = k.id)`;

/**
 * Drops aggregation keys no rollup row uses any more and bumps the key epoch, so that writers
 * holding cached key ids (on any replica) reload them. Candidates are found without the lock;
 * the exclusive lock is held only to re-check and delete one chunk of them.
 */
async function pruneKeys(pool: pg.Pool, chunk: number): Promise<void> {
  const candidates = (
    await pool.query<{ id: number }>(`SELECT k.id FROM rollup_keys k WHERE ${UNUSED}`)
  ).rows.map((r) => r.id);
  for (let i = 0; i < candidates.length; i += chunk) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      try {
        await client.query('SELECT pg_advisory_xact_lock($1, $2)', ROLLUP_KEYS_LOCK);
        const n = (
          await client.query(
            `DELETE FROM rollup_keys k WHERE k.id = ANY($1::bigint[]) AND ${UNUSED}`,
            [candidates.slice(i, i + chunk)],
          )
        ).rowCount;
        if (n) {
          await client.query(
            `UPDATE store_meta SET value = (value::bigint + 1)::text WHERE name = 'rollup_key_epoch'`,
          );
        }
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    } finally {
      client.release();
    }
    await yieldToLoop();
  }
}
