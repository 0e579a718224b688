/** Messages between the SQLite store and its read workers (`read-pool.ts`, `read-worker.ts`). */
import type {
  FlowFilter,
  RollupBin,
  RollupQuery,
  RollupRow,
  TimeSeriesQuery,
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
  | { id: number; op: 'timeseries'; args: [TimeSeriesQuery] };

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
