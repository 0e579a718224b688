/** Time buckets used by rollups and queries. All times are epoch milliseconds, UTC. */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Start of the bucket of `size` ms that contains `t`. */
export function bucketStart(t: number, size: number): number {
  return t - (((t % size) + size) % size);
}

const DURATION_RE = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: MINUTE_MS,
  h: HOUR_MS,
  d: DAY_MS,
  w: 7 * DAY_MS,
};

/**
 * Parses a duration such as `15m`, `24h`, `7d`. Returns null when the text is not one.
 * @example parseDuration('90s') // 90000
 */
export function parseDuration(text: string): number | null {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return null;
  const ms = Math.round(Number(m[1]) * (UNIT_MS[m[2] as string] as number));
  // Hundreds of digits make Infinity; past 2^53 milliseconds is not a time either.
  return Number.isSafeInteger(ms) ? ms : null;
}
