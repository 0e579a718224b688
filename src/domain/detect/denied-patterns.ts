/** Fan-out, persistence and periodicity measures over one source's denied events. */
import type { Flow } from '../flow.js';
import { hostKey } from './names.js';
import { attempts } from './violations.js';

/** Splits time-sorted events wherever the quiet time exceeds `gapMs`. */
export function splitEpisodes(events: readonly Flow[], gapMs: number): Flow[][] {
  const out: Flow[][] = [];
  let cur: Flow[] = [];
  let last = -Infinity;
  for (const e of events) {
    if (cur.length > 0 && e.time - last > gapMs) {
      out.push(cur);
      cur = [];
    }
    cur.push(e);
    last = Math.max(last, e.time + e.durationMs);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

export interface Span {
  start: number;
  end: number;
  attempts: number;
  ports: Set<number>;
  hosts: Set<string>;
  srcHosts: Set<string>;
}

export function spanOf(events: readonly Flow[]): Span {
  const s: Span = {
    start: Infinity,
    end: -Infinity,
    attempts: 0,
    ports: new Set(),
    hosts: new Set(),
    srcHosts: new Set(),
  };
  for (const e of events) {
    s.start = Math.min(s.start, e.time);
    s.end = Math.max(s.end, e.time + Math.max(e.durationMs, 1));
    s.attempts += attempts(e);
    if (e.port !== null) s.ports.add(e.port);
    s.hosts.add(hostKey(e.dst));
    s.srcHosts.add(hostKey(e.src));
  }
  return s;
}

/** Attempts per minute over the span (at least one minute long). */
export function ratePerMinute(s: Span): number {
  return s.attempts / Math.max(1, (s.end - s.start) / 60_000);
}

/**
 * Coefficient of variation of the gaps between attempts (0: a metronome; about 1: random).
 * Null with fewer than three single events.
 */
export function periodicityCv(events: readonly Flow[]): number | null {
  const times = events
    .filter((e) => e.durationMs === 0 && attempts(e) === 1)
    .map((e) => e.time)
    .sort((a, b) => a - b);
  if (times.length < 3) return null;
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) gaps.push((times[i] as number) - (times[i - 1] as number));
  const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
  if (mean <= 0) return null;
  const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
  return sd / mean;
}

export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = out.get(k);
    if (list) list.push(i);
    else out.set(k, [i]);
  }
  return out;
}
