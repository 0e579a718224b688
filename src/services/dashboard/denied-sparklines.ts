/**
 * Sparklines of the denied table from the store's time series, so the database does the
 * grouping: one row per group and bin reaches JavaScript instead of one per group and bucket.
 *
 * Bins are the steps of `queryTimeSeries`: `sparkStep` wide (a multiple of the rollup bucket)
 * and aligned to multiples of it. The first step may start before the window; the buckets of
 * that part are read separately and taken off, so a sparkline sums to exactly what the group's
 * totals count (flows, else packets, as before).
 */
import type { SourceFormat } from '../../domain/flow.js';
import type {
  FlowFilter,
  RollupKeyField,
  RollupResolution,
  RollupRow,
  TimeSeriesMetric,
} from '../../store/flow-store.js';
import { addCount, ALL_ROWS, type DashboardDeps, resolutionMs } from './scope.js';

export const SPARK_BINS = 24;

/** Step of the sparklines of a window: about SPARK_BINS of them, whole rollup buckets. */
export function sparkStepFor(from: number, to: number, res: RollupResolution): number {
  const size = resolutionMs(res);
  return Math.max(size, Math.ceil((to - from) / SPARK_BINS / size) * size);
}

type Field = Exclude<RollupKeyField, 'bucket'>;

export interface SparkRequest {
  filter: Omit<FlowFilter, 'from' | 'to'>;
  resolution: RollupResolution;
  from: number;
  to: number;
  step: number;
  /** Fields of a row's identity; `rowKey` must read the same fields. */
  fields: Field[];
  /** The totals rows, one per group of `fields`. */
  rows: readonly RollupRow[];
  rowKey: (r: Partial<Record<RollupKeyField, unknown>>) => string;
}

/** The metric a group's sparkline counts: flows where its source reports them, else packets. */
function metricOf(r: RollupRow): TimeSeriesMetric | null {
  if (r.flows !== null) return 'flows';
  return r.packets !== null ? 'packets' : null;
}

/** Sparkline per row key; rows whose source reports neither flows nor packets get zeros. */
export async function sparklines(
  deps: DashboardDeps,
  req: SparkRequest,
): Promise<Map<string, number[]>> {
  const size = resolutionMs(req.resolution);
  const first = req.from - (((req.from % req.step) + req.step) % req.step);
  const bins = Math.max(1, Math.ceil((req.to - first) / req.step));
  const out = new Map<string, number[]>();
  const metricBy = new Map<string, TimeSeriesMetric | null>();
  for (const r of req.rows) {
    out.set(req.rowKey(r), Array<number>(bins).fill(0));
    metricBy.set(req.rowKey(r), metricOf(r));
  }
  // The first bucket the totals count: the first that overlaps [from, to).
  const windowStart = req.from - (((req.from % size) + size) % size);
  const metrics = (['flows', 'packets'] as const).filter((m) =>
    req.rows.some((r) => metricOf(r) === m),
  );
  await Promise.all(
    metrics.map(async (metric) => {
      // Only the sources whose groups count this metric are read for it.
      const sources = new Set<SourceFormat>();
      for (const r of req.rows) if (metricOf(r) === metric && r.source) sources.add(r.source);
      const filter = req.fields.includes('source')
        ? { ...req.filter, source: [...sources] }
        : req.filter;
      const [ts, before] = await Promise.all([
        deps.store.queryTimeSeries({
          resolution: req.resolution,
          from: req.from,
          to: req.to,
          stepMs: req.step,
          groupBy: req.fields,
          filter,
          metric,
          limit: ALL_ROWS,
        }),
        windowStart > first
          ? deps.store.queryRollups({
              ...filter,
              resolution: req.resolution,
              from: first,
              to: windowStart,
              groupBy: req.fields,
              limit: ALL_ROWS,
            })
          : Promise.resolve([]),
      ]);
      for (const s of ts.series) {
        const key = req.rowKey(s.group);
        const line = out.get(key);
        if (!line || metricBy.get(key) !== metric) continue;
        s.values.forEach((v, i) => {
          if (i < bins) line[i] = (line[i] ?? 0) + (v ?? 0);
        });
      }
      for (const r of before) {
        const key = req.rowKey(r);
        const line = out.get(key);
        if (line && metricBy.get(key) === metric) line[0] = (line[0] ?? 0) - (r[metric] ?? 0);
      }
    }),
  );
  return out;
}

/**
 * Totals and sparklines of the same groups from one read of the window: the store sums the
 * buckets into steps of `step` (`bucketStepMs`), and the steps of a group add up to its
 * totals. The first step holds only the part of it inside the window, so a sparkline sums to
 * exactly its group's totals. Null when the answer was cut at the row limit: the caller then
 * reads totals and sparklines separately (`sparklines`), which holds more groups.
 */
export async function binnedTotals(
  deps: DashboardDeps,
  req: Omit<SparkRequest, 'rows'>,
  maxCells = ALL_ROWS,
): Promise<{ rows: RollupRow[]; lines: Map<string, number[]> } | null> {
  const first = req.from - (((req.from % req.step) + req.step) % req.step);
  const bins = Math.max(1, Math.ceil((req.to - first) / req.step));
  const cells = await deps.store.queryRollups({
    ...req.filter,
    resolution: req.resolution,
    from: req.from,
    to: req.to,
    groupBy: [...req.fields, 'bucket'],
    bucketStepMs: req.step,
    limit: maxCells,
  });
  if (cells.length >= maxCells) return null;
  const totals = new Map<string, RollupRow>();
  const perBin = new Map<string, { flows: number[]; packets: number[] }>();
  for (const c of cells) {
    const key = req.rowKey(c);
    const bin = Math.min(
      bins - 1,
      Math.max(0, Math.floor(((c.bucket ?? first) - first) / req.step)),
    );
    let t = totals.get(key);
    let b = perBin.get(key);
    if (!t || !b) {
      const { bucket: _bucket, ...rest } = c;
      t = { ...rest };
      b = { flows: Array<number>(bins).fill(0), packets: Array<number>(bins).fill(0) };
      totals.set(key, t);
      perBin.set(key, b);
    } else {
      t.flows = addCount(t.flows, c.flows);
      t.packets = addCount(t.packets, c.packets);
      t.bytes = addCount(t.bytes, c.bytes);
      t.firstSeen = Math.min(t.firstSeen, c.firstSeen);
      t.lastSeen = Math.max(t.lastSeen, c.lastSeen);
    }
    b.flows[bin] = (b.flows[bin] ?? 0) + (c.flows ?? 0);
    b.packets[bin] = (b.packets[bin] ?? 0) + (c.packets ?? 0);
  }
  const lines = new Map<string, number[]>();
  for (const [key, t] of totals) {
    const metric = metricOf(t);
    const b = perBin.get(key);
    const line = metric === 'flows' ? b?.flows : metric === 'packets' ? b?.packets : undefined;
    lines.set(key, line ?? Array<number>(bins).fill(0));
  }
  // The order the totals query gives: flows, then packets, then bytes, descending, NULL last.
  const desc = (x: number | null, y: number | null): number =>
    (y ?? Number.NEGATIVE_INFINITY) - (x ?? Number.NEGATIVE_INFINITY) || 0;
  const rows = [...totals.values()].sort(
    (x, y) => desc(x.flows, y.flows) || desc(x.packets, y.packets) || desc(x.bytes, y.bytes),
  );
  return { rows, lines };
}
