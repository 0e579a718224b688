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

/**
 * A grouped row: its step start, its source, the counters' sums (null: not reported) and the
 * group fields. Rows are split by source so that one read also says which sources it found.
 */
export interface SeriesRow {
  step: number;
  source: string;
  flows: number | null;
  packets: number | null;
  bytes: number | null;
  [field: string]: unknown;
}

const COUNTERS = ['flows', 'packets', 'bytes'] as const;

/**
 * The counters a per-key series read selects from the rollup rows `r` (summed when `sum`):
 * the metric asked for, or with `auto` the two `chartUnit` chooses between; NULL for the rest
 * (typed, so that PostgreSQL can sum it).
 */
export function seriesCountersSql(metric: TimeSeriesQuery['metric'], sum: boolean): string {
  const read: readonly string[] = metric === 'auto' ? ['flows', 'packets'] : [metric];
  return COUNTERS.map((c) =>
    !read.includes(c)
      ? `CAST(NULL AS BIGINT) AS ${c}`
      : sum
        ? `sum(r.${c}) AS ${c}`
        : `r.${c} AS ${c}`,
  ).join(', ');
}

/** The counter sums of a series row, in SQL for both backends (`a` the per-key rows). */
export const SERIES_SUMS_SQL = COUNTERS.map((c) => `sum(a.${c}) AS ${c}`).join(', ');

/**
 * Series from grouped rows: 0 for a step without rows, null for a step whose rows did not
 * report the metric; the `limit` largest series by total first. With `auto`, the metric is
 * chosen from the sources the rows came from.
 */
export function assembleSeries(
  q: TimeSeriesQuery,
  plan: SeriesPlan,
  rows: readonly SeriesRow[],
): TimeSeriesResult {
  const { fields, steps, first } = plan;
  const sources = [...new Set(rows.map((r) => r.source))].sort();
  const metric = q.metric === 'auto' ? chartUnit(sources) : q.metric;
  const byGroup = new Map<string, { s: TimeSeries; seen: Uint8Array }>();
  for (const row of rows) {
    const id = JSON.stringify(fields.map((f) => row[f]));
    let g = byGroup.get(id);
    if (!g) {
      const group: TimeSeries['group'] = {};
      for (const f of fields) group[f] = row[f] as string | number | null;
      g = {
        s: { group, values: steps.map(() => 0), total: null },
        seen: new Uint8Array(steps.length),
      };
      byGroup.set(id, g);
    }
    const i = (row.step - first) / q.stepMs;
    const v = row[metric];
    // Rows of several sources in one step add up as SQL's sum does: nulls are skipped.
    if (!g.seen[i]) {
      g.seen[i] = 1;
      g.s.values[i] = v;
    } else if (v !== null) g.s.values[i] = (g.s.values[i] ?? 0) + v;
    if (v !== null) g.s.total = (g.s.total ?? 0) + v;
  }
  const limit = q.limit ?? 20;
  const series = [...byGroup.values()]
    .map((g) => g.s)
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
