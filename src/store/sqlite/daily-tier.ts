/**
 * The daily rollup tier of the SQLite store: sums of whole UTC days of the hourly tier, so a
 * read of a long window (a week to a year) scans one row per key and day instead of 24.
 *
 * - **Compaction** (`compactDays`, run with retention) sums each finished day of `rollup_1h`
 *   into `rollup_1d`, one day per short transaction, and moves `rollup_1d_through` (the first
 *   day not summed yet) past it.
 * - **Late data**: the batch writer adds an hourly cell of a day already summed to that day's
 *   row as well, in the same transaction (`lateDailyCells`), so a summed day stays exact.
 * - **Reads** (`hourlySource`): the whole summed days of a window come from `rollup_1d`, its
 *   ragged ends from `rollup_1h`. The answer is the one the hourly tier alone gives.
 *
 * Retention keeps a day while any of its hours is kept (see retention.ts).
 */
import type Database from 'better-sqlite3';

import { bucketStart, DAY_MS, HOUR_MS } from '../../domain/time.js';
import { dailySplit, ROLLUP_ROW_COLUMNS } from '../daily-window.js';
import { whereSql } from './filter-sql.js';
import { type KeySide, tierRange } from './key-side.js';

export const DAILY_THROUGH_SQL =
  "SELECT CAST(value AS INTEGER) FROM store_meta WHERE name = 'rollup_1d_through'";

/** First day not yet summed into the daily tier (epoch ms; 0 before the first compaction). */
export function dailyThrough(db: Database.Database): number {
  return (db.prepare(DAILY_THROUGH_SQL).pluck().get() as number | undefined) ?? 0;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Sums every day that ended by `now` into the daily tier, oldest first, one day per IMMEDIATE
 * transaction with a turn of the event loop between them. Days without hourly rows are skipped
 * in one step. Returns the number of days summed.
 */
export async function compactDays(db: Database.Database, now: number): Promise<number> {
  const through = db.prepare(DAILY_THROUGH_SQL).pluck();
  const firstHour = db.prepare('SELECT min(bucket) FROM rollup_1h WHERE bucket >= ?').pluck();
  const sumDay = db.prepare(
    `INSERT INTO rollup_1d (bucket, key_id, flows, packets, bytes, first_seen, last_seen)
     SELECT ?, key_id, sum(flows), sum(packets), sum(bytes), min(first_seen), max(last_seen)
     FROM rollup_1h WHERE bucket >= ? AND bucket < ? GROUP BY key_id`,
  );
  const setThrough = db.prepare(
    "UPDATE store_meta SET value = CAST(? AS TEXT) WHERE name = 'rollup_1d_through'",
  );
  const today = bucketStart(now, DAY_MS);
  const step = db.transaction((): boolean => {
    const from = (through.get() as number | undefined) ?? 0;
    if (from >= today) return false;
    const first = firstHour.get(from) as number | null;
    if (first === null || first >= today) {
      setThrough.run(today);
      return false;
    }
    // `from` is a day boundary and `first` >= it, so this day is not summed yet.
    const day = bucketStart(first, DAY_MS);
    sumDay.run(day, day, day + DAY_MS);
    setThrough.run(day + DAY_MS);
    return true;
  }).immediate;
  let days = 0;
  while (step()) {
    days++;
    await yieldToLoop();
  }
  return days;
}

/**
 * The rows of the hourly tier that overlap [from, to), as a FROM source named `r`: whole days
 * before `through` from `rollup_1d`, the rest from `rollup_1h` (see `dailySplit`), each part
 * narrowed to the keys of `side` (see key-side.ts).
 */
export function hourlySource(
  from: number,
  to: number,
  through: number,
  stepMs?: number,
  side: KeySide = 'any',
): { sql: string; params: number[] } | null {
  const split = dailySplit(from, to, through, stepMs);
  if (!split) return null;
  const { firstHour, d0, d1 } = split;
  const part = (table: string, size: number, lo: number, hi: number) => {
    const where = tierRange('', size, lo, hi, side);
    return { sql: `SELECT ${ROLLUP_ROW_COLUMNS} FROM ${table} ${whereSql(where)}`, where };
  };
  const parts = [
    part('rollup_1h', HOUR_MS, firstHour, d0),
    part('rollup_1d', DAY_MS, d0, d1),
    part('rollup_1h', HOUR_MS, d1, to),
  ];
  return {
    sql: `(${parts.map((p) => p.sql).join('\n      UNION ALL ')}) r`,
    params: parts.flatMap((p) => p.where.params as number[]),
  };
}
