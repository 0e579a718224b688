/**
 * Totals and sparklines of the denied table from one read: the store returns one row per group
 * with its buckets summed into the sparkline's steps (`binStepMs`), so neither one row per
 * group and bucket nor one per group and step reaches JavaScript.
 *
 * Bins are `step` wide (a multiple of the rollup bucket) and aligned to multiples of it. The
 * first may start before the window; it holds only the window's part, so a sparkline sums to
 * exactly what its group's totals count (flows, else packets).
 */
import { DAY_MS } from '../../domain/time.js';
import type {
  FlowFilter,
  RollupKeyField,
  RollupResolution,
  RollupRow,
} from '../../store/flow-store.js';
import { ALL_ROWS, type DashboardDeps, resolutionMs } from './scope.js';

export const SPARK_BINS = 24;

/**
 * Step of the sparklines of a window: about SPARK_BINS of them, whole rollup buckets. From
 * SPARK_BINS days on, whole days (SPARK_BINS to twice as many bins), so the store can read the
 * window's whole days from its daily tier.
 */
export function sparkStepFor(from: number, to: number, res: RollupResolution): number {
  const size = resolutionMs(res);
  if (res === '1h' && to - from >= SPARK_BINS * DAY_MS) {
    return Math.floor((to - from) / SPARK_BINS / DAY_MS) * DAY_MS;
  }
  return Math.max(size, Math.ceil((to - from) / SPARK_BINS / size) * size);
}

type Field = Exclude<RollupKeyField, 'bucket'>;

export interface SparkRequest {
  filter: Omit<FlowFilter, 'from' | 'to'>;
  resolution: RollupResolution;
  from: number;
  to: number;
  step: number;
  /** Fields of a row's identity. */
  fields: Field[];
}

/** What a group's sparkline counts: flows where its source reports them, else packets. */
function lineOf(r: RollupRow, first: number, step: number, bins: number): number[] {
  const line = Array<number>(bins).fill(0);
  const metric = r.flows !== null ? 'flows' : r.packets !== null ? 'packets' : null;
  if (metric === null) return line;
  for (const b of r.bins ?? []) {
    const i = Math.min(bins - 1, Math.max(0, Math.floor((b.start - first) / step)));
    line[i] = (line[i] ?? 0) + (b[metric] ?? 0);
  }
  return line;
}

/**
 * The groups of the window, ordered as a rollup query orders them (flows, then packets, then
 * bytes, descending), each with its sparkline.
 */
export async function binnedTotals(
  deps: DashboardDeps,
  req: SparkRequest,
): Promise<{ row: RollupRow; line: number[] }[]> {
  const first = req.from - (((req.from % req.step) + req.step) % req.step);
  const bins = Math.max(1, Math.ceil((req.to - first) / req.step));
  const rows = await deps.store.queryRollups({
    ...req.filter,
    resolution: req.resolution,
    from: req.from,
    to: req.to,
    groupBy: req.fields,
    binStepMs: req.step,
    limit: ALL_ROWS,
  });
  return rows.map((row) => ({ row, line: lineOf(row, first, req.step, bins) }));
}
