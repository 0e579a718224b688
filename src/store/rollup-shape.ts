/**
 * Backend-neutral parts of rollup queries: argument checks, the step grid of a time series, and
 * turning grouped `(step, group…, value)` rows into series. Each backend only runs the SQL.
 */
import { bucketStart } from '../domain/time.js';
import type {
  RollupKeyField,
  RollupQuery,
  RollupResolution,
  TimeSeries,
  TimeSeriesQuery,
  TimeSeriesResult,
} from './flow-store.js';
import { InvalidQueryError, ROLLUP_BUCKET_MS, ROLLUP_KEY_FIELDS } from './flow-store.js';

export const MAX_ROLLUP_ROWS = 100_000;
const MAX_STEPS = 10_000;

export function checkResolution(res: RollupResolution): void {
  if (!(res in ROLLUP_BUCKET_MS)) throw new InvalidQueryError('resolution must be 1m or 1h');
}

/** Validates group-by fields (attacker-reachable through the API) and drops repeats. */
export function checkFields(fields: readonly string[]): RollupKeyField[] {
  for (const f of fields) {
    if (!(ROLLUP_KEY_FIELDS as readonly string[]).includes(f)) {
      throw new InvalidQueryError(`cannot group by ${JSON.stringify(f)}`);
    }
  }
  return [...new Set(fields)] as RollupKeyField[];
}

/**
 * The checked shape of a rollup query: fields to group by, the row limit, and the SQL for a
 * row's bucket (`r.bucket`, or its step's start under `bucketStepMs`).
 */
export function rollupShape(q: RollupQuery): {
  fields: RollupKeyField[];
  limit: number;
  bucketSql: string;
} {
  checkResolution(q.resolution);
  const fields = checkFields(q.groupBy ?? ROLLUP_KEY_FIELDS);
  const limit = q.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ROLLUP_ROWS) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_ROLLUP_ROWS}`);
  }
  const size = ROLLUP_BUCKET_MS[q.resolution];
  const step = q.bucketStepMs;
  if (step === undefined || step === size) return { fields, limit, bucketSql: 'r.bucket' };
  if (!Number.isInteger(step) || step <= 0 || step % size !== 0) {
    throw new InvalidQueryError(
      `bucketStepMs must be a positive multiple of ${size} for ${q.resolution}`,
    );
  }
  // Checked to be a positive integer above, so inlining it is safe (and keeps the modulo integral).
  return { fields, limit, bucketSql: `(r.bucket - (r.bucket % ${step}))` };
}

export interface SeriesPlan {
  /** Start of the first step (aligned to a multiple of `stepMs`). */
  first: number;
  steps: number[];
  /** Group-by fields, without `bucket`. */
  fields: Exclude<RollupKeyField, 'bucket'>[];
}

/** Checks a time-series query and lays out its steps. */
export function planTimeSeries(q: TimeSeriesQuery): SeriesPlan {
  checkResolution(q.resolution);
  const size = ROLLUP_BUCKET_MS[q.resolution];
  if (!Number.isInteger(q.stepMs) || q.stepMs <= 0 || q.stepMs % size !== 0) {
    throw new InvalidQueryError(
      `stepMs must be a positive multiple of ${size} for ${q.resolution}`,
    );
  }
  if (!['flows', 'packets', 'bytes'].includes(q.metric)) {
    throw new InvalidQueryError('metric must be flows, packets or bytes');
  }
  const first = bucketStart(q.from, q.stepMs);
  const steps: number[] = [];
  for (let t = first; t < q.to; t += q.stepMs) {
    if (steps.length >= MAX_STEPS) throw new InvalidQueryError(`more than ${MAX_STEPS} steps`);
    steps.push(t);
  }
  const fields = checkFields(q.groupBy).filter(
    (f): f is Exclude<RollupKeyField, 'bucket'> => f !== 'bucket',
  );
  return { first, steps, fields };
}

/** A grouped row: its step start, the metric sum (null: not reported) and the group fields. */
export interface SeriesRow {
  step: number;
  v: number | null;
  [field: string]: unknown;
}

/**
 * Series from grouped rows: 0 for a step without rows, null for a step whose rows did not
 * report the metric; the `limit` largest series by total first.
 */
export function assembleSeries(
  q: TimeSeriesQuery,
  plan: SeriesPlan,
  rows: readonly SeriesRow[],
): TimeSeriesResult {
  const { fields, steps, first } = plan;
  const byGroup = new Map<string, TimeSeries>();
  for (const row of rows) {
    const group: TimeSeries['group'] = {};
    for (const f of fields) group[f] = row[f] as string | number | null;
    const id = JSON.stringify(fields.map((f) => row[f]));
    let s = byGroup.get(id);
    if (!s) byGroup.set(id, (s = { group, values: steps.map(() => 0), total: null }));
    const i = (row.step - first) / q.stepMs;
    s.values[i] = row.v;
    if (row.v !== null) s.total = (s.total ?? 0) + row.v;
  }
  const limit = q.limit ?? 20;
  const series = [...byGroup.values()]
    .sort((a, b) => (b.total ?? -1) - (a.total ?? -1))
    .slice(0, limit);
  return { metric: q.metric, stepMs: q.stepMs, steps, series };
}

/** SQL column of each rollup key field, as both backends name it (`r` rollups, `k` keys). */
export const ROLLUP_COLUMN: Readonly<Record<RollupKeyField, string>> = {
  bucket: 'r.bucket',
  cluster: 'k.cluster',
  srcNamespace: 'k.src_ns',
  srcWorkload: 'k.src_wl',
  srcKind: 'k.src_kind',
  dstNamespace: 'k.dst_ns',
  dstWorkload: 'k.dst_wl',
  dstKind: 'k.dst_kind',
  protocol: 'k.protocol',
  port: 'k.port',
  direction: 'k.direction',
  verdict: 'k.verdict',
  reason: 'k.reason',
  policy: 'k.policy',
  source: 'k.source',
};

/** Rollup table per resolution, the same in both backends. */
export const ROLLUP_TABLE: Readonly<Record<RollupResolution, string>> = {
  '1m': 'rollup_1m',
  '1h': 'rollup_1h',
};
