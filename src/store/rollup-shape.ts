/**
 * Backend-neutral parts of rollup queries: argument checks, the step grid of a time series, and
 * turning grouped `(step, group…, value)` rows into series. Each backend only runs the SQL.
 */
import { chartUnit } from '../domain/flow.js';
import { bucketStart } from '../domain/time.js';
import type {
  RollupBin,
  RollupKeyField,
  RollupQuery,
  RollupResolution,
  RollupRow,
  TimeSeries,
  TimeSeriesMetric,
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
 * The checked shape of a rollup query: fields to group by, the row limit, and under
 * `binStepMs` the SQL for a bucket's step start (`null` without it).
 */
export function rollupShape(q: RollupQuery): {
  fields: RollupKeyField[];
  limit: number;
  stepSql: string | null;
} {
  checkResolution(q.resolution);
  const fields = checkFields(q.groupBy ?? ROLLUP_KEY_FIELDS);
  const limit = q.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ROLLUP_ROWS) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_ROLLUP_ROWS}`);
  }
  const step = q.binStepMs;
  if (step === undefined) return { fields, limit, stepSql: null };
  const size = ROLLUP_BUCKET_MS[q.resolution];
  if (!Number.isInteger(step) || step <= 0 || step % size !== 0) {
    throw new InvalidQueryError(
      `binStepMs must be a positive multiple of ${size} for ${q.resolution}`,
    );
  }
  if (fields.includes('bucket')) {
    throw new InvalidQueryError('binStepMs cannot be combined with grouping by bucket');
  }
  // Checked to be a positive integer above, so inlining it is safe (and keeps the modulo integral).
  return {
    fields,
    limit,
    stepSql: step === size ? 'r.bucket' : `(r.bucket - (r.bucket % ${step}))`,
  };
}

/** Sums of rollup rows `r` per group: the same SQL in both stores. */
export const ROLLUP_SUMS_SQL = `sum(r.flows) AS flows, sum(r.packets) AS packets, sum(r.bytes) AS bytes,
      min(r.first_seen) AS fs, max(r.last_seen) AS ls`;

/** A rollup row as the database returns it: under `binStepMs`, its bins still as JSON text. */
export type DbRollupRow = Omit<RollupRow, 'bins'> & { bins?: string | null };

/** Drops the all-NULL row of an empty ungrouped aggregate, and parses the bins when read. */
export function finishRollupRows(rows: readonly DbRollupRow[], binned: boolean): RollupRow[] {
  const found = rows.filter((r) => r.firstSeen !== null);
  if (!binned) return found as RollupRow[];
  // The rows are the driver's fresh objects: set `bins` in place (a spread into a new object
  // with one more key is V8's slow path, microseconds a row).
  for (const r of found) (r as unknown as RollupRow).bins = parseBins(r.bins ?? null);
  return found as unknown as RollupRow[];
}

const sumCount = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : a + b;

/**
 * The bins of a row from the database: a JSON array of `[start, flows, packets, bytes]`, one
 * per (aggregation key, step), so a step appears once per key the group merged. Summed per step.
 */
export function parseBins(text: string | null): RollupBin[] {
  if (text === null) return [];
  const cells = JSON.parse(text) as [number, number | null, number | null, number | null][];
  const byStart = new Map<number, RollupBin>();
  for (const [start, flows, packets, bytes] of cells) {
    const s = Number(start);
    const n = (v: number | null): number | null => (v === null ? null : Number(v));
    const bin = byStart.get(s);
    if (!bin) byStart.set(s, { start: s, flows: n(flows), packets: n(packets), bytes: n(bytes) });
    else {
      bin.flows = sumCount(bin.flows, n(flows));
      bin.packets = sumCount(bin.packets, n(packets));
      bin.bytes = sumCount(bin.bytes, n(bytes));
    }
  }
  return [...byStart.values()].sort((a, b) => a.start - b.start);
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
  if (!['flows', 'packets', 'bytes', 'auto'].includes(q.metric)) {
    throw new InvalidQueryError('metric must be flows, packets, bytes or auto');
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
 * The read of a time series' sources: the window of its steps (from the first step's start),
 * grouped by source. A backend runs it before the series, in the same call, and then reads
 * the series in `seriesUnit`'s counter.
 */
export function seriesSourcesQuery(q: TimeSeriesQuery, plan: SeriesPlan): RollupQuery {
  return {
    ...q.filter,
    resolution: q.resolution,
    from: plan.first,
    to: q.to,
    groupBy: ['source'],
    limit: MAX_ROLLUP_ROWS,
  };
}

/** The counter a series is read in: the one asked for, or `chartUnit`'s for `auto`. */
export function seriesUnit(q: TimeSeriesQuery, sources: readonly string[]): TimeSeriesMetric {
  return q.metric === 'auto' ? chartUnit(sources) : q.metric;
}

/** The sources of a sources read (`seriesSourcesQuery`), sorted. */
export function sourcesOf(rows: readonly RollupRow[]): string[] {
  return rows.map((r) => String(r.source)).sort();
}

/**
 * Series from grouped rows in `metric`: 0 for a step without rows, null for a step whose rows
 * did not report the metric; the `limit` largest series by total first.
 */
export function assembleSeries(
  q: TimeSeriesQuery,
  plan: SeriesPlan,
  rows: readonly SeriesRow[],
  metric: TimeSeriesMetric,
  sources: string[],
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
  return { metric, sources, stepMs: q.stepMs, steps, series };
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
