/**
 * Batches prepared on ingest worker threads, for either store's writer: what both kinds share
 * (the head, the summed rollup cells, the version sightings, `reduceBatch`), the union of the
 * batches a writer takes (`StoreBatch`) and what tells them apart. The SQLite batch is in
 * `sqlite/prepared-batch.ts`, the PostgreSQL one in `postgres/prepared-batch-pg.ts`.
 *
 * Everything here is pure and plain data that survives a structured clone between threads.
 */
import { type VersionSighting, VersionSightings } from '../domain/detect/changes.js';
import type { Flow, SourceFormat } from '../domain/flow.js';
import { bucketStart, HOUR_MS, MINUTE_MS } from '../domain/time.js';
import { accumulate, addCell, type RollupTier } from './batch-aggregate.js';
import type { IngestBatch } from './flow-store.js';
import type { PgPreparedBatch } from './postgres/prepared-batch-pg.js';
import { rollupKeyTextOf } from './rollup-key.js';
import { rawEventWeight } from './sampling.js';
import type { PreparedBatch } from './sqlite/prepared-batch.js';

/** Values per rollup cell in `PreparedBatch.m1` / `h1`: bucket, key index, 3 counters, first, last. */
export const CELL_STRIDE = 7;

/** What a batch prepared for either writer carries besides its rows, keys and cells. */
export interface PreparedHead {
  id: string;
  source: SourceFormat;
  lostEvents: number;
  receivedAt: number;
  /** Flows the batch carried. */
  flows: number;
  /** Time of the newest flow, or null. */
  lastData: number | null;
  /** 1-minute cells, `CELL_STRIDE` values each; a counter no flow reported is null. */
  m1: (number | null)[];
  /** Hourly cells, same layout. */
  h1: (number | null)[];
  versions: VersionSighting[];
}

/** Adds flattened cells (`CELL_STRIDE` values each) to `tier`, keyed by `keyOf(key index)`. */
export function addFlatCells<K>(
  tier: RollupTier<K>,
  cells: readonly (number | null)[],
  keyOf: (index: number) => K,
): void {
  for (let i = 0; i < cells.length; i += CELL_STRIDE) {
    addCell(
      tier,
      cells[i] as number,
      keyOf(cells[i + 1] as number),
      cells[i + 2] as number | null,
      cells[i + 3] as number | null,
      cells[i + 4] as number | null,
      cells[i + 5] as number,
      cells[i + 6] as number,
    );
  }
}

/** A store that takes prepared batches in `writeBatches`, with what preparing them needs. */
export interface PreparedWrites {
  /** Which writer the batches are prepared for (`prepareBatch` or `preparePgBatch`). */
  format: 'sqlite' | 'postgres';
  /** The store's fraction of allowed flows kept as raw events. */
  sampleRate: number;
}

/** A batch of flows, or one prepared for a store's writer on an ingest worker. */
export type StoreBatch = IngestBatch | PreparedBatch | PgPreparedBatch;

/** Prepared for the SQLite writer. */
export function isPrepared(b: StoreBatch): b is PreparedBatch {
  return (b as { prepared?: unknown }).prepared === true;
}

/** Prepared for the PostgreSQL writer. */
export function isPgPrepared(b: StoreBatch): b is PgPreparedBatch {
  return (b as { prepared?: unknown }).prepared === 'postgres';
}

/** Prepared for either writer (not a batch of flows). */
export function isAnyPrepared(b: StoreBatch): b is PreparedBatch | PgPreparedBatch {
  return isPrepared(b) || isPgPrepared(b);
}

/** Flows a batch of any kind carried. */
export function flowCountOf(b: StoreBatch): number {
  return isAnyPrepared(b) ? b.flows : b.flows.length;
}

/** A tier's cells as `CELL_STRIDE` values each (bucket, key index, counters, first, last). */
export function flatten(tier: RollupTier<number>): (number | null)[] {
  const out: (number | null)[] = [];
  for (const [bucket, byKey] of tier) {
    for (const a of byKey.values())
      out.push(bucket, a.key, a.flows, a.packets, a.bytes, a.first, a.last);
  }
  return out;
}

/**
 * What both writers' prepared batches share: the batch's head, its distinct keys as text, the
 * summed cells and the version sightings. `keep` is given each flow kept as a raw event with
 * its weight, `newKey` the first flow of each distinct key.
 */
export function reduceBatch(
  batch: IngestBatch,
  sampleRate: number,
  keep: (f: Flow, weight: number) => void,
  newKey: (f: Flow) => void = () => undefined,
): PreparedHead & { keyTexts: string[] } {
  const keyIndex = new Map<string, number>();
  const keyTexts: string[] = [];
  const m1: RollupTier<number> = new Map();
  const h1: RollupTier<number> = new Map();
  const versions = new VersionSightings();
  let lastData: number | null = null;
  for (const f of batch.flows) {
    const w = rawEventWeight(f, sampleRate);
    if (w > 0) keep(f, w);
    const text = rollupKeyTextOf(f);
    let k = keyIndex.get(text);
    if (k === undefined) {
      k = keyTexts.length;
      keyIndex.set(text, k);
      keyTexts.push(text);
      newKey(f);
    }
    accumulate(m1, bucketStart(f.time, MINUTE_MS), k, f);
    accumulate(h1, bucketStart(f.time, HOUR_MS), k, f);
    versions.add(f);
    if (lastData === null || f.time > lastData) lastData = f.time;
  }
  return {
    id: batch.id,
    source: batch.source,
    lostEvents: batch.lostEvents ?? 0,
    receivedAt: batch.receivedAt,
    flows: batch.flows.length,
    lastData,
    keyTexts,
    m1: flatten(m1),
    h1: flatten(h1),
    versions: versions.list(),
  };
}
