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
import { addCount, ALL_ROWS, type DashboardDeps, resolutionMs } from './scope.js';

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
 * Windows of at least this long whose steps split days (so the hourly tier answers them, not
 * the daily one) are read as two halves at once: the store's read workers answer them in
 * parallel (a week's denied table through the API on the benchmark's store: 105 → 64 ms p50).
 */
const SPLIT_FROM_MS = 2 * DAY_MS;

/** [from, to) as one window, or as two halves split at a step boundary. */
function halves(req: SparkRequest, first: number): [number, number][] {
  const long = req.resolution === '1h' && req.step % DAY_MS !== 0;
  if (!long || req.to - req.from < SPLIT_FROM_MS) return [[req.from, req.to]];
  const steps = Math.ceil((req.to - first) / req.step);
  const mid = first + Math.floor(steps / 2) * req.step;
  return mid > req.from && mid < req.to
    ? [
        [req.from, mid],
        [mid, req.to],
      ]
    : [[req.from, req.to]];
}

/** Rollup order: flows, then packets, then bytes, descending, NULL last. */
function byVolume(a: RollupRow, b: RollupRow): number {
  for (const m of ['flows', 'packets', 'bytes'] as const) {
    const x = a[m];
    const y = b[m];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return y - x;
  }
  return 0;
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
  const parts = await Promise.all(
    halves(req, first).map(([from, to]) =>
      deps.store.queryRollups({
        ...req.filter,
        resolution: req.resolution,
        from,
        to,
        groupBy: req.fields,
        binStepMs: req.step,
        limit: ALL_ROWS,
      }),
    ),
  );
  const [only, ...rest] = parts;
  if (!only) return [];
  if (rest.length === 0)
    return only.map((row) => ({ row, line: lineOf(row, first, req.step, bins) }));
  // Halves hold disjoint steps: a group's sums add, its first and last sightings widen.
  const merged = new Map<string, { row: RollupRow; line: number[] }>();
  for (const row of parts.flat()) {
    const id = JSON.stringify(req.fields.map((f) => row[f] ?? null));
    const line = lineOf(row, first, req.step, bins);
    const m = merged.get(id);
    if (!m) {
      merged.set(id, { row, line });
      continue;
    }
    m.row.flows = addCount(m.row.flows, row.flows);
    m.row.packets = addCount(m.row.packets, row.packets);
    m.row.bytes = addCount(m.row.bytes, row.bytes);
    m.row.firstSeen = Math.min(m.row.firstSeen, row.firstSeen);
    m.row.lastSeen = Math.max(m.row.lastSeen, row.lastSeen);
    m.row.bins = [...(m.row.bins ?? []), ...(row.bins ?? [])];
    for (let i = 0; i < bins; i++) m.line[i] = (m.line[i] ?? 0) + (line[i] ?? 0);
  }
  return [...merged.values()].sort((a, b) => byVolume(a.row, b.row));
}
