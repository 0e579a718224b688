import type {
  Metric,
  Series,
  TimeSeriesQuery,
  TimeSeriesResponse,
} from '../../api/dashboard-schema.js';
import { SOURCE_CAPABILITIES, type SourceFormat } from '../../domain/flow.js';
import type { FlowFilter, RollupKeyField, TimeSeriesResult } from '../../store/flow-store.js';
import {
  type AccessScope,
  ALL_ROWS,
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

function chooseMetric(requested: TimeSeriesQuery['metric'], sources: SourceFormat[]): Metric {
  if (requested !== 'auto') return requested;
  if (sources.every((s) => SOURCE_CAPABILITIES[s].packets)) return 'packets';
  if (sources.every((s) => SOURCE_CAPABILITIES[s].flows)) return 'flows';
  return 'packets';
}

/**
 * Time series of denied or allowed traffic, stacked by the namespace (or workload) whose policy
 * decided. With `rate`, values are per second, as in the reference panels.
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
  const present = base
    ? await deps.store.queryRollups({
        ...base,
        resolution,
        from: q.from,
        to: q.to,
        groupBy: ['source'],
        limit: ALL_ROWS,
      })
    : [];
  const sources = present.map((r) => r.source as SourceFormat);
  const unit = chooseMetric(q.metric, sources);
  const results: { side: Side; result: TimeSeriesResult }[] = base
    ? await Promise.all(
        parts(q.direction).map(async ({ side, dirs }) => {
          const groupBy: Exclude<RollupKeyField, 'bucket'>[] =
            q.groupBy === 'namespace'
              ? [`${side}Namespace`]
              : [`${side}Namespace`, `${side}Workload`];
          const { from: _f, to: _t, ...filter } = base;
          const result = await deps.store.queryTimeSeries({
            resolution,
            from: q.from,
            to: q.to,
            stepMs: step,
            groupBy,
            filter: { ...filter, direction: dirs },
            metric: unit,
            limit: 500,
          });
          return { side, result };
        }),
      )
    : [];
  const perSecond = q.rate === 'true';
  const times = results[0]?.result.steps ?? [];
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
      const cur = merged.get(key) ?? {
        key,
        namespace: ns,
        workload: wl,
        values: times.map(() => 0),
        max: 0,
        sum: 0,
        last: 0,
      };
      s.values.forEach((v, i) => {
        const prev = cur.values[i] ?? 0;
        cur.values[i] = v === null ? prev : (prev ?? 0) + v;
      });
      merged.set(key, cur);
    }
  }
  const scale = perSecond ? 1000 / step : 1;
  let series = [...merged.values()].map((s) => finish(s, scale));
  series.sort((a, b) => b.sum - a.sum);
  let folded = 0;
  if (series.length > q.maxSeries) {
    const rest = series.slice(q.maxSeries - 1);
    folded = rest.length;
    const other: Series = {
      key: `other (${rest.length})`,
      namespace: null,
      workload: null,
      values: times.map((_, i) => rest.reduce((acc, s) => acc + (s.values[i] ?? 0), 0)),
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
    unit,
    perSecond,
    unreportedBy: sources.filter((s) => !SOURCE_CAPABILITIES[s][unit]),
    series,
    folded,
  };
}

function finish(s: Series, scale: number): Series {
  const values = s.values.map((v) => (v === null ? null : v * scale));
  const nums = values.filter((v): v is number => v !== null);
  return {
    ...s,
    values,
    max: nums.length ? Math.max(...nums) : 0,
    sum: nums.reduce((a, b) => a + b, 0),
    last: values[values.length - 1] ?? 0,
  };
}
