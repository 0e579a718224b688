/**
 * A batch reduced to what the PostgreSQL writer sends (`write-batch.ts`): the raw events kept
 * (sampled) as the text of column arrays, the distinct rollup keys with their fields, the rollup cells
 * summed per (bucket, key) for the 1-minute and hourly tiers, and version sightings. Ingest
 * worker threads prepare batches (`services/ingest-worker.ts`), so the thread that writes
 * only merges a group's batches and sends them; the database ends up the same as writing the
 * flows (`ingest-pool-pg.test.ts` compares them).
 *
 * Pure and free of the pg driver: it runs on any thread, and its result is plain data that
 * survives a structured clone.
 */
import type { IngestBatch } from '../flow-store.js';
import { type PreparedHead, reduceBatch } from '../prepared-batch.js';
import { type RollupKey, rollupKeyOf } from '../rollup-key.js';
import { RawColumns } from './raw-columns.js';

export interface PgPreparedBatch extends PreparedHead {
  prepared: 'postgres';
  /** The raw events kept, `rawRows` rows: each column's array-literal text (`RawColumns.encode`). */
  raw: string[];
  rawRows: number;
  /** The distinct rollup keys as text (`rollupKeyText`); cells refer to them by index. */
  keyTexts: string[];
  /** Their fields, in the same order: the writer inserts the keys it has no id for. */
  keys: RollupKey[];
}

/**
 * Reduces a batch of flows for the PostgreSQL writer, with the store's sampling rate for
 * allowed flows.
 * @example const p = preparePgBatch({ id: 'b1', flows, source: 'hubble', receivedAt: now }, 0.1);
 */
export function preparePgBatch(batch: IngestBatch, sampleRate: number): PgPreparedBatch {
  const raw = new RawColumns();
  const keys: RollupKey[] = [];
  const reduced = reduceBatch(
    batch,
    sampleRate,
    (f, w) => raw.push(f, w),
    (f) => keys.push(rollupKeyOf(f)),
  );
  return { prepared: 'postgres', ...reduced, raw: raw.encode(), rawRows: raw.length, keys };
}
