/**
 * The usual level of a series: the median of the same hour of the week in past weeks (the
 * same hour of the day in past days while there are too few weeks), a robust spread (MAD),
 * and a short-term EWMA of the recent steps.
 */

const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** MAD × 1.4826 estimates the standard deviation of normally distributed data. */
export const MAD_TO_SD = 1.4826;

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Median absolute deviation from the median. */
export function mad(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/** One EWMA step. */
export function ewmaStep(previous: number, value: number, alpha: number): number {
  return alpha * value + (1 - alpha) * previous;
}

export interface UsualLevel {
  /** Median hourly value. */
  median: number;
  /** MAD of the hourly values. */
  mad: number;
  samples: number;
  basis: 'hour-of-week' | 'hour-of-day';
}

/**
 * Usual hourly level for the hour starting at `hour` (epoch ms, hour-aligned), from hourly
 * values strictly before it. Hours at or after `firstSeen` with no value count as 0.
 * Null when there are fewer than `minWeekly` same-hour-of-week samples and fewer than
 * `minDaily` same-hour-of-day samples.
 * @example usualLevel(hourly, Date.UTC(2026, 0, 15, 9), t0, 28 * 86_400_000, 2)
 */
export function usualLevel(
  hourly: ReadonlyMap<number, number>,
  hour: number,
  firstSeen: number,
  baselineMs: number,
  minWeekly: number,
  minDaily = 3,
): UsualLevel | null {
  const collect = (step: number): number[] => {
    const out: number[] = [];
    const firstHour = firstSeen - (firstSeen % HOUR);
    for (let t = hour - step; t >= hour - baselineMs && t >= firstHour; t -= step)
      out.push(hourly.get(t) ?? 0);
    return out;
  };
  const weekly = collect(WEEK);
  if (weekly.length >= Math.max(1, minWeekly))
    return {
      median: median(weekly),
      mad: mad(weekly),
      samples: weekly.length,
      basis: 'hour-of-week',
    };
  const daily = collect(DAY);
  if (daily.length >= Math.max(1, minDaily))
    return { median: median(daily), mad: mad(daily), samples: daily.length, basis: 'hour-of-day' };
  return null;
}
