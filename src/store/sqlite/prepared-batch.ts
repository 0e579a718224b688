/**
 * A batch reduced to what the SQLite writer stores: raw-event rows (sampled), rollup cells
 * summed per (bucket, key) for the 1-minute and hourly tiers, version sightings and counts.
 * Ingest worker threads prepare batches (`services/ingest-worker.ts`), so the writing thread
 * only checks the batch id, maps key texts to ids and runs the inserts; the result in the
 * database is the same as writing the flows (`write-batch.ts`; a contract test checks it).
 *
 * Everything here is plain data that survives a structured clone between threads.
 */
import type { IngestBatch } from '../flow-store.js';
import { type PreparedHead, reduceBatch } from '../prepared-batch.js';
import { rawParams } from './flow-row.js';

type SqlValue = string | number | Buffer | null;

export interface PreparedBatch extends PreparedHead {
  prepared: true;
  /** `rawParams` rows of the flows kept as raw events, weights included. */
  raw: SqlValue[][];
  /**
   * The distinct rollup keys of the batch as text (`rollupKeyText`); cells refer to them by
   * index. The writer rebuilds the fields (`rollupKeyFromText`) only for keys it has not
   * stored yet: most keys recur, so their fields need not cross between threads.
   */
  keyTexts: string[];
}

/**
 * Reduces a batch of flows for the SQLite writer, with the store's sampling rate for allowed
 * flows. Pure: no database, so it runs on any thread.
 * @example const p = prepareBatch({ id: 'b1', flows, source: 'hubble', receivedAt: now }, 0.1);
 */
export function prepareBatch(batch: IngestBatch, sampleRate: number): PreparedBatch {
  const raw: SqlValue[][] = [];
  const reduced = reduceBatch(batch, sampleRate, (f, w) => raw.push(rawParams(f, w)));
  return { prepared: true, ...reduced, raw };
}
