/**
 * Query parameters of `GET /api/v1/flows` and `GET /api/v1/summary`, shared with the CLI's
 * `netsec flows` / `netsec summary` flags and the web UI. Lists may be repeated parameters or
 * comma-separated. Times are ISO 8601, epoch milliseconds, `now`, or relative (`-2h`, `now-2h`).
 */
import { z } from 'zod';

import { DIRECTIONS, PROTOCOLS, SOURCE_FORMATS, VERDICTS } from '../domain/flow.js';
import { parseDuration } from '../domain/time.js';

const REL_RE = /^(?:now)?\s*-\s*(\d+(?:\.\d+)?(?:ms|s|m|h|d|w))$/;

/**
 * Resolves a time given as ISO 8601, epoch ms, `now`, `-2h` or `now-2h` against `now`.
 * Returns null when the text is none of these.
 * @example parseTimeSpec('-2h', Date.parse('2026-01-01T02:00:00Z')) // 1767225600000
 */
export function parseTimeSpec(text: string, now: number): number | null {
  const t = text.trim();
  if (t === 'now') return now;
  const rel = REL_RE.exec(t);
  if (rel) {
    const d = parseDuration(rel[1] as string);
    return d === null || !Number.isSafeInteger(now - d) ? null : now - d;
  }
  if (/^\d{10,}$/.test(t)) return Number.isSafeInteger(Number(t)) ? Number(t) : null;
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : ms;
}

const list = <T extends z.ZodType>(item: T): z.ZodType<z.output<T>[]> =>
  z.preprocess(
    (v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((x) => (typeof x === 'string' ? x.split(',') : [x]))
        .map((x) => (typeof x === 'string' ? x.trim() : x))
        .filter((x) => x !== ''),
    z.array(item).min(1),
  ) as unknown as z.ZodType<z.output<T>[]>;

const caseless = <T extends readonly string[]>(values: T): z.ZodType<T[number]> =>
  z.preprocess(
    (v) =>
      typeof v === 'string' ? (values.find((x) => x.toLowerCase() === v.toLowerCase()) ?? v) : v,
    z.enum(values as unknown as [string, ...string[]], {
      error: (iss) => `expected one of ${values.join(', ')}, got ${JSON.stringify(iss.input)}`,
    }),
  ) as unknown as z.ZodType<T[number]>;

const TimeSpec = z.string().refine((s) => parseTimeSpec(s, 0) !== null, {
  error: (iss) =>
    `expected a time (ISO 8601, epoch ms, now, or relative like -2h), got ${JSON.stringify(iss.input)}`,
});
const Since = z.string().refine((s) => parseDuration(s.replace(/^-/, '')) !== null, {
  error: (iss) => `expected a duration like 1h or 24h, got ${JSON.stringify(iss.input)}`,
});
const intIn = (min: number, max: number): z.ZodType<number> =>
  z.coerce
    .number({ error: `expected a whole number from ${min} to ${max}` })
    .int(`expected a whole number from ${min} to ${max}`)
    .min(min, `expected a whole number from ${min} to ${max}`)
    .max(max, `expected a whole number from ${min} to ${max}`);
const text = z.string().trim().min(1).max(512);

const TimeRange = {
  since: z.optional(Since),
  from: z.optional(TimeSpec),
  to: z.optional(TimeSpec),
};

export const FlowQuerySchema = z
  .strictObject({
    ...TimeRange,
    cluster: z.optional(list(text)),
    namespace: z.optional(list(text)),
    workload: z.optional(text),
    pod: z.optional(text),
    ip: z.optional(text),
    port: z.optional(intIn(0, 65535)),
    protocol: z.optional(list(caseless(PROTOCOLS))),
    verdict: z.optional(list(caseless(VERDICTS))),
    direction: z.optional(list(caseless(DIRECTIONS))),
    reason: z.optional(list(text)),
    policy: z.optional(text),
    source: z.optional(list(caseless(SOURCE_FORMATS))),
    limit: z.optional(intIn(1, 10_000)),
    cursor: z.optional(z.string().max(2048)),
  })
  .refine((q) => !(q.since && (q.from || q.to)), {
    error: 'give either since or from/to, not both',
  });
export type FlowQuery = z.infer<typeof FlowQuerySchema>;

export const SummaryQuerySchema = z
  .strictObject({
    ...TimeRange,
    cluster: z.optional(list(text)),
    namespace: z.optional(list(text)),
  })
  .refine((q) => !(q.since && (q.from || q.to)), {
    error: 'give either since or from/to, not both',
  });
export type SummaryQuery = z.infer<typeof SummaryQuerySchema>;

/**
 * A counter summed over rollup rows: 0 when there was no such traffic, null when there was but
 * no source reported this counter, `partial` when only some of the rows reported it.
 */
export interface CounterSum {
  value: number | null;
  partial: boolean;
}
export interface VerdictCounters {
  flows: CounterSum;
  packets: CounterSum;
  bytes: CounterSum;
}
export interface SummaryRow {
  /** The namespace whose policy decided (destination for ingress, source for egress). */
  namespace: string | null;
  direction: (typeof DIRECTIONS)[number];
  allowed: VerdictCounters;
  denied: VerdictCounters;
  audit: VerdictCounters;
}
export interface SummaryReply {
  from: number;
  to: number;
  resolution: '1m' | '1h';
  rows: SummaryRow[];
  /** Sources in the range and the counters they do not report. */
  notReported: { source: string; counters: string[] }[];
}

/** Formats zod issues as `field: message` for an HTTP 400 or a CLI error. */
export function describeQueryIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    if (i.code === 'unrecognized_keys') return `unknown parameter ${i.keys.join(', ')}`;
    const path = i.path.filter((p) => typeof p === 'string').join('.');
    return path ? `${path}: ${i.message}` : i.message;
  });
}
