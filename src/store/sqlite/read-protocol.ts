/** Messages between the SQLite store and its read workers (`read-pool.ts`, `read-worker.ts`). */
import type {
  FlowFilter,
  ReplyBytesQuery,
  RollupBin,
  RollupQuery,
  RollupRow,
  TimeSeries,
  TimeSeriesQuery,
  TimeSeriesResult,
} from '../flow-store.js';

export interface ReadWorkerData {
  path: string;
  busyTimeoutMs: number;
  /** Page cache of the worker's connection, KiB. */
  cacheKib: number;
}

export type ReadRequest =
  | { id: number; op: 'flows'; args: [FlowFilter, { limit?: number; cursor?: string | null }?] }
  | { id: number; op: 'rollups'; args: [RollupQuery] }
  | { id: number; op: 'timeseries'; args: [TimeSeriesQuery] }
  | { id: number; op: 'replyBytes'; args: [ReplyBytesQuery] };

export type ReadOp = ReadRequest['op'];

export type ReadReply =
  | { id: number; result: unknown }
  | { id: number; error: { name: string; message: string; code?: string } };

/**
 * Rollup rows as they cross from a read worker: every row's bins packed into one
 * Float64Array (4 numbers a bin, NaN for null), moved rather than copied. A structured clone
 * of the bins as objects cost about 20 ms for the 20,000 bins of a week's denied table; the
 * rows with their bins as one string each cloned in about 2 ms. Counters are integers below
 * 2^53, exact in a double.
 */
export interface PackedRollups {
  rows: RollupRow[];
  /** Bins of row i: -1 when the row has none (no `binStepMs`). */
  counts: Int32Array;
  bins: Float64Array;
}

const FIELDS_PER_BIN = 4;
const num = (v: number | null): number => (v === null ? Number.NaN : v);
const nullable = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Packs in place: the rows lose their `bins`. */
export function packRollups(rows: RollupRow[]): PackedRollups {
  const counts = new Int32Array(rows.length);
  let total = 0;
  rows.forEach((r, i) => {
    counts[i] = r.bins === undefined ? -1 : r.bins.length;
    total += r.bins?.length ?? 0;
  });
  const bins = new Float64Array(total * FIELDS_PER_BIN);
  let o = 0;
  for (const r of rows) {
    for (const b of r.bins ?? []) {
      bins[o++] = b.start;
      bins[o++] = num(b.flows);
      bins[o++] = num(b.packets);
      bins[o++] = num(b.bytes);
    }
    delete r.bins;
  }
  return { rows, counts, bins };
}

export function unpackRollups(p: PackedRollups): RollupRow[] {
  let o = 0;
  p.rows.forEach((r, i) => {
    const n = p.counts[i] ?? -1;
    if (n < 0) return;
    const bins: RollupBin[] = new Array<RollupBin>(n);
    for (let j = 0; j < n; j++, o += FIELDS_PER_BIN) {
      bins[j] = {
        start: p.bins[o] as number,
        flows: nullable(p.bins[o + 1] as number),
        packets: nullable(p.bins[o + 2] as number),
        bytes: nullable(p.bins[o + 3] as number),
      };
    }
    r.bins = bins;
  });
  return p.rows;
}

/**
 * A time series result as it crosses from a read worker: every series' values in one
 * Float64Array (NaN for null), moved rather than copied. The structured clone of a 1-hour
 * chart's 300 series of 60 values as arrays cost about 2.4 ms (both threads); the array moves
 * for nothing and the main thread rebuilds the arrays in a fraction of that.
 */
export interface PackedTimeSeries extends Omit<TimeSeriesResult, 'series'> {
  groups: TimeSeries['group'][];
  /** Series i's values are `values[i * steps.length …]`. */
  values: Float64Array;
  /** Series i's total (NaN for null): not the sum of its values when they are all 0 or null. */
  totals: Float64Array;
}

/** Packs the series' values; the result's other fields are kept as they are. */
export function packTimeSeries(r: TimeSeriesResult): PackedTimeSeries {
  const { series, ...rest } = r;
  const width = r.steps.length;
  const values = new Float64Array(series.length * width);
  series.forEach((s, i) => {
    const o = i * width;
    for (let j = 0; j < width; j++) values[o + j] = num(s.values[j] ?? null);
  });
  const totals = Float64Array.from(series, (s) => num(s.total));
  return { ...rest, groups: series.map((s) => s.group), values, totals };
}

export function unpackTimeSeries(p: PackedTimeSeries): TimeSeriesResult {
  const { groups, values, totals, ...rest } = p;
  const width = p.steps.length;
  const series = groups.map((group, i): TimeSeries => {
    const v = new Array<number | null>(width);
    for (let j = 0, o = i * width; j < width; j++, o++) v[j] = nullable(values[o] as number);
    return { group, values: v, total: nullable(totals[i] as number) };
  });
  return { ...rest, series };
}
