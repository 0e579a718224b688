/**
 * Daily and weekly rhythms. Times are UTC: the demo cluster's users live in UTC, which keeps
 * the shape independent of the machine's timezone.
 */
import type { Rhythm } from './catalogue.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Share of the daily peak at an hour of the day (0–24, fractional) for user traffic. */
export function dailyShape(hour: number): number {
  // Quiet night, morning ramp, lunch bump, evening shopping peak.
  if (hour < 6) return 0.12 + 0.03 * Math.cos((hour / 6) * Math.PI);
  const day = Math.sin((Math.PI * (hour - 6)) / 18);
  const evening = Math.exp(-((hour - 20) ** 2) / 6);
  const lunch = 0.25 * Math.exp(-((hour - 12.5) ** 2) / 1.5);
  return Math.min(1, 0.12 + 0.6 * Math.max(0, day) ** 1.4 + 0.35 * evening + lunch);
}

/** Weekends are quieter for user traffic (1970-01-01 was a Thursday). */
export function weeklyShape(t: number): number {
  const dow = (Math.floor(t / DAY_MS) + 4) % 7;
  return dow === 6 ? 0.72 : dow === 0 ? 0.62 : 1;
}

/**
 * Mean activity (0…1 of peak) of a connection over the window [t, t + windowMs).
 * @example rhythmFactor({ kind: 'cron', hour: 2, minutes: 30 }, Date.UTC(2026, 0, 1, 2, 10), 300_000) // 1
 */
export function rhythmFactor(rhythm: Rhythm, t: number, windowMs: number): number {
  const mid = t + windowMs / 2;
  switch (rhythm.kind) {
    case 'business':
      return dailyShape(((mid % DAY_MS) / HOUR_MS) % 24) * weeklyShape(mid);
    case 'steady':
    case 'scrape':
      return 1;
    case 'cron': {
      const dayStart = t - (t % DAY_MS);
      const on = dayStart + rhythm.hour * HOUR_MS;
      const off = on + rhythm.minutes * 60_000;
      const overlap = Math.max(0, Math.min(off, t + windowMs) - Math.max(on, t));
      return overlap / windowMs;
    }
  }
}
