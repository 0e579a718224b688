import type {
  Metric,
  Series,
  TimeSeriesQuery,
  TimeSeriesResponse,
} from '../../api/dashboard-schema.js';
import {
  chartUnit,
  isSourceFormat,
  SOURCE_CAPABILITIES,
  type SourceFormat,
} from '../../domain/flow.js';
import type { FlowFilter, RollupKeyField, TimeSeriesResult } from '../../store/flow-store.js';
import {
  type AccessScope,
  type DashboardDeps,
  resolutionFor,
  scopedFilter,
  stepFor,
} from './scope.js';

type Side = 'src' | 'dst';

/** The side whose policy decided: ingress is the destination's, egress the source's. */
function parts(
  direction: TimeSeriesQuery['direction'],
): { side: Side; dirs: FlowFilter['direction'] }[] {
  if (direction === 'ingress') return [{ side: 'dst', dirs: ['ingress'] }];
  if (direction === 'egress') return [{ side: 'src', dirs: ['egress'] }];
  return [
    { side: 'dst', dirs: ['ingress', 'unknown'] },
    { side: 'src', dirs: ['egress'] },
  ];
}

type Part = ReturnType<typeof parts>[number];

/**
 * Time series of denied or allowed traffic, stacked by the namespace (or workload) whose policy
 * decided. With `rate`, values are per second, as in the reference panels.
 *
 * One store call per side: with the `auto` unit the store chooses it from the sources it finds
 * in the window, in the same call (on the same read worker). When the two sides of an
 * all-directions chart found sources that call for different units, the side drawn in the
 * wrong one is read again in the unit of them all.
 */
export async function getTimeSeries(
  deps: DashboardDeps,
  q: TimeSeriesQuery,
  scope?: AccessScope,
): Promise<TimeSeriesResponse> {
  const step = stepFor(q.from, q.to);
  const base = scopedFilter(
    { cluster: q.cluster, namespace: q.namespace, verdict: [q.verdict] },
    scope,
  );
  const resolution = resolutionFor(q.from, q.to);
  const read = async ({ side, dirs }: Part, metric: TimeSeriesQuery['metric']) => {
    const groupBy: Exclude<RollupKeyField, 'bucket'>[] =
      q.groupBy === 'namespace' ? [`${side}Namespace`] : [`${side}Namespace`, `${side}Workload`];
    const { from: _f, to: _t, ...filter } = base ?? {};
    const result = await deps.store.queryTimeSeries({
      resolution,
      from: q.from,
      to: q.to,
      stepMs: step,
      groupBy,
      filter: { ...filter, direction: dirs },
      metric,
      limit: 500,
    });
    return { side, result };
  };
  const sides = parts(q.direction);
  let results: { side: Side; result: TimeSeriesResult }[] = base
    ? await Promise.all(sides.map((p) => read(p, q.metric)))
    : [];
  const sources = [...new Set(results.flatMap((r) => r.result.sources))].sort();
  const unit: Metric = q.metric === 'auto' ? chartUnit(sources) : q.metric;
  if (results.some((r) => r.result.metric !== unit)) {
    results = await Promise.all(
      sides.map((p, i) => {
        const done = results[i];
        return done && done.result.metric === unit ? done : read(p, unit);
      }),
    );
  }
  const perSecond = q.rate === 'true';
  const times = results[0]?.result.steps ?? [];
  const width = times.length;
  const lastStart = times[width - 1];
  const openFrom = lastStart !== undefined && lastStart + step > deps.now() ? lastStart : null;
  const merged = new Map<string, Series>();
  for (const { side, result } of results) {
    for (const s of result.series) {
      const ns = (s.group[`${side}Namespace`] ?? null) as string | null;
      const wl =
        q.groupBy === 'workload' ? ((s.group[`${side}Workload`] ?? null) as string | null) : null;
      const key =
        q.groupBy === 'namespace'
          ? (ns ?? '(external or unknown)')
          : ns === null && wl === null
            ? '(peer not reported)'
            : ns === null
              ? (wl ?? '?')
              : `${ns}/${wl ?? '(unknown)'}`;
      let cur = merged.get(key);
      if (!cur) {
        cur = {
          key,
          namespace: ns,
          workload: wl,
          values: new Array<number | null>(width).fill(0),
          max: 0,
          sum: 0,
          last: 0,
        };
        merged.set(key, cur);
      }
      const into = cur.values;
      for (let i = 0; i < width; i++) {
        const v = s.values[i] ?? null;
        if (v !== null) into[i] = (into[i] ?? 0) + v;
      }
    }
  }
  const scale = perSecond ? 1000 / step : 1;
  let series = [...merged.values()].map((s) => finish(s, scale));
  series.sort((a, b) => b.sum - a.sum);
  let folded = 0;
  if (series.length > q.maxSeries) {
    const rest = series.slice(q.maxSeries - 1);
    folded = rest.length;
    const values = new Array<number>(width).fill(0);
    for (let i = 0; i < width; i++) {
      let acc = 0;
      for (const s of rest) acc += s.values[i] ?? 0;
      values[i] = acc;
    }
    const other: Series = {
      key: `other (${rest.length})`,
      namespace: null,
      workload: null,
      values,
      max: 0,
      sum: 0,
      last: 0,
    };
    series = [...series.slice(0, q.maxSeries - 1), finish(other, 1)];
  }
  // Legends are sorted by last, as in the reference dashboard.
  series.sort((a, b) => b.last - a.last || b.sum - a.sum);
  return {
    step,
    times,
    openFrom,
    unit,
    perSecond,
    unreportedBy: sources.filter(
      (s): s is SourceFormat => isSourceFormat(s) && !SOURCE_CAPABILITIES[s][unit],
    ),
    series,
    folded,
  };
}

/** Scales the values and sums them up in the order the legend shows. */
function finish(s: Series, scale: number): Series {
  const values = new Array<number | null>(s.values.length);
  let max = -Infinity;
  let sum = 0;
  let any = false;
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i] ?? null;
    const x = v === null ? null : v * scale;
    values[i] = x;
    if (x !== null) {
      any = true;
      if (x > max) max = x;
      sum += x;
    }
  }
  return {
    ...s,
    values,
    max: any ? max : 0,
    sum,
    last: values[values.length - 1] ?? 0,
  };
}
