/**
 * Retention in bounded chunks: each chunk is its own short statement (its own transaction), so
 * ingest on any replica never waits long. Unused aggregation keys are pruned last, under the
 * exclusive keys lock that batch transactions hold shared.
 */
import type pg from 'pg';

import type { RetentionPolicy, RetentionResult } from '../flow-store.js';
import { DEFAULT_RETENTION_CHUNK, retentionCutoffs } from '../retention-policy.js';
import { ROLLUP_KEYS_LOCK } from './locks.js';

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
  const batchesDeleted = await deleteInChunks(
    pool,
    'DELETE FROM batches WHERE id IN (SELECT id FROM batches WHERE received_at < $1 LIMIT $2)',
    cut.raw,
    chunk,
  );
  if (rollup1hDeleted > 0 || rollup1mDeleted > 0) await pruneKeys(pool, chunk);
  return { rawDeleted, rollup1mDeleted, rollup1hDeleted, batchesDeleted };
}

const UNUSED = `NOT EXISTS (SELECT 1 FROM rollup_1m r WHERE r.key_id = k.id)
  AND NOT EXISTS (SELECT 1 FROM rollup_1h r WHERE r.key_id = k.id)`;

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
