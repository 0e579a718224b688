/**
 * In-memory pre-aggregation of a batch into rollup cells, shared by every backend: a
 * 1,000-flow batch becomes a few hundred (bucket, key) upserts instead of thousands.
 */
import type { Flow } from '../domain/flow.js';
import { lateDailyCell } from './daily-window.js';

/** Summed counters of one (bucket, key) cell. */
export interface RollupAcc<K> {
  key: K;
  flows: number | null;
  packets: number | null;
  bytes: number | null;
  first: number;
  last: number;
}

/** Cells by bucket start, then by key. */
export type RollupTier<K> = Map<number, Map<K, RollupAcc<K>>>;

/** Null-honest sum: a counter no contributing flow reported stays null, never becomes 0. */
export const addCounter = (a: number | null, b: number | null): number | null =>
  b === null ? a : a === null ? b : a + b;

export function accumulate<K>(tier: RollupTier<K>, bucket: number, key: K, f: Flow): void {
  addCell(tier, bucket, key, f.flows, f.packets, f.bytes, f.time, f.time + f.durationMs);
}

/** Adds a cell summed elsewhere (a prepared batch) to `tier`. */
export function addCell<K>(
  tier: RollupTier<K>,
  bucket: number,
  key: K,
  flows: number | null,
  packets: number | null,
  bytes: number | null,
  first: number,
  last: number,
): void {
  let byKey = tier.get(bucket);
  if (!byKey) tier.set(bucket, (byKey = new Map()));
  const acc = byKey.get(key);
  if (!acc) {
    byKey.set(key, { key, flows, packets, bytes, first, last });
    return;
  }
  acc.flows = addCounter(acc.flows, flows);
  acc.packets = addCounter(acc.packets, packets);
  acc.bytes = addCounter(acc.bytes, bytes);
  if (first < acc.first) acc.first = first;
  if (last > acc.last) acc.last = last;
}

/**
 * The hourly cells of `h1` that fall in days already summed into the daily tier (before
 * `through`), summed per day and key: what a batch must add to the daily tier as well.
 */
export function lateDailyCells<K>(h1: RollupTier<K>, through: number): RollupTier<K> {
  const days: RollupTier<K> = new Map();
  for (const [bucket, byKey] of h1) {
    const day = lateDailyCell(bucket, through);
    if (day === null) continue;
    let out = days.get(day);
    if (!out) days.set(day, (out = new Map()));
    for (const a of byKey.values()) {
      const acc = out.get(a.key);
      if (!acc) {
        out.set(a.key, { ...a });
        continue;
      }
      acc.flows = addCounter(acc.flows, a.flows);
      acc.packets = addCounter(acc.packets, a.packets);
      acc.bytes = addCounter(acc.bytes, a.bytes);
      acc.first = Math.min(acc.first, a.first);
      acc.last = Math.max(acc.last, a.last);
    }
  }
  return days;
}
