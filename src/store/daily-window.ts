/**
 * Which part of an hourly read the daily tier can answer (ADR 0006), for both stores: the whole
 * days inside the window that are already summed. The rest comes from the hourly tier.
 */
import { bucketStart, DAY_MS, HOUR_MS } from '../domain/time.js';

export interface DailySplit {
  /** Start of the first hourly bucket that overlaps the window. */
  firstHour: number;
  /** Whole summed days [d0, d1) come from the daily tier; [firstHour, d0) and [d1, to) hourly. */
  d0: number;
  d1: number;
}

/**
 * The split of an hourly read of [from, to), given `through` (the first day not summed yet).
 * Null when no whole summed day lies inside, or when `stepMs` (the caller's time grid) does not
 * hold whole days.
 */
export function dailySplit(
  from: number,
  to: number,
  through: number,
  stepMs?: number,
): DailySplit | null {
  if (stepMs !== undefined && stepMs % DAY_MS !== 0) return null;
  // Hourly buckets that overlap the window start in [firstHour, to).
  const firstHour = bucketStart(from, HOUR_MS);
  const d0 = bucketStart(firstHour + DAY_MS - 1, DAY_MS);
  // A day is inside when its last hour starts before `to`: the first day that is not starts
  // at or after to - 23 h.
  const d1 = Math.min(bucketStart(to + HOUR_MS - 1, DAY_MS), through);
  return d1 - d0 >= DAY_MS ? { firstHour, d0, d1 } : null;
}

/** The day an hourly bucket belongs to, when that day is summed already (else null). */
export function lateDailyCell(hourBucket: number, through: number): number | null {
  return hourBucket < through ? bucketStart(hourBucket, DAY_MS) : null;
}

/** Columns of a rollup row, in table order. */
export const ROLLUP_ROW_COLUMNS = 'bucket, key_id, flows, packets, bytes, first_seen, last_seen';
