/**
 * Retention in bounded chunks: each chunk is its own short transaction and the event loop gets
 * a turn in between, so ingest (in this process or another) never waits long for the lock.
 */
import type Database from 'better-sqlite3';

import { DAY_MS, HOUR_MS } from '../../domain/time.js';
import type { RetentionPolicy, RetentionResult } from '../flow-store.js';
import { DEFAULT_RETENTION_CHUNK, retentionCutoffs } from '../retention-policy.js';
import { compactDays } from './daily-tier.js';

export { DEFAULT_RETENTION_CHUNK } from '../retention-policy.js';

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function deleteInChunks(
  db: Database.Database,
  sql: string,
  cutoff: number,
  chunk: number,
): Promise<number> {
  const stmt = db.prepare(sql);
  const run = db.transaction(() => stmt.run(cutoff, chunk).changes).immediate;
  let total = 0;
  for (;;) {
    const n = run();
    total += n;
    if (n < chunk) return total;
    await yieldToLoop();
  }
}

/**
 * Raw events and batch ids: deleted when `time` (resp. `received_at`) < now - rawMs.
 * Rollups: a bucket is deleted once it ends at or before now - tierMs, so a bucket that still
 * holds any moment inside the window is kept whole; a day of the daily tier once all its hours
 * are gone. Then the days that ended are summed into the daily tier (daily-tier.ts).
 */
export async function applyRetention(
  db: Database.Database,
  now: number,
  policy: RetentionPolicy,
  chunk = DEFAULT_RETENTION_CHUNK,
): Promise<RetentionResult> {
  const cut = retentionCutoffs(now, policy);
  const rawCut = cut.raw;
  const rawDeleted = await deleteInChunks(
    db,
    'DELETE FROM flow_events WHERE id IN (SELECT id FROM flow_events WHERE time < ? LIMIT ?)',
    rawCut,
    chunk,
  );
  const rollup = (table: string, cut: number): Promise<number> =>
    deleteInChunks(
      db,
      `DELETE FROM ${table} WHERE (bucket, key_id) IN
         (SELECT bucket, key_id FROM ${table} WHERE bucket <= ? LIMIT ?)`,
      cut,
      chunk,
    );
  const rollup1mDeleted = await rollup('rollup_1m', cut.bucket1m);
  const rollup1hDeleted = await rollup('rollup_1h', cut.bucket1h);
  // A day goes once its last hour has gone from the hourly tier.
  const rollup1dDeleted = await rollup('rollup_1d', cut.bucket1h - DAY_MS + HOUR_MS);
  const batchesDeleted = await deleteInChunks(
    db,
    'DELETE FROM batches WHERE id IN (SELECT id FROM batches WHERE received_at < ? LIMIT ?)',
    rawCut,
    chunk,
  );
  // Versions live as long as the raw events they were seen in (a small table: one statement).
  db.prepare('DELETE FROM workload_versions WHERE last_seen < ?').run(rawCut);
  if (rollup1hDeleted > 0 || rollup1mDeleted > 0 || rollup1dDeleted > 0) pruneKeys(db);
  const daysCompacted = await compactDays(db, now);
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
 * Drops aggregation keys no rollup row uses any more, and bumps the key epoch so that writers
 * holding cached key ids (in any process) reload them before their next batch.
 */
function pruneKeys(db: Database.Database): void {
  db.transaction(() => {
    const n = db
      .prepare(
        `DELETE FROM rollup_keys WHERE id NOT IN
           (SELECT key_id FROM rollup_1h UNION SELECT key_id FROM rollup_1m
              UNION SELECT key_id FROM rollup_1d)`,
      )
      .run().changes;
    if (n > 0) {
      db.prepare(
        "UPDATE store_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE name = 'rollup_key_epoch'",
      ).run();
    }
  }).immediate();
}
