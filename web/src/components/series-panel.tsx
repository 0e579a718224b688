import type { Scope } from '../api/scope';
import { type SeriesParams, useSeries } from '../api/timeseries';
import { LegendChips, LegendTable } from './legend-table';
import { Panel } from './panel';
import { QueryState } from './states';
import { openLast, TimeSeriesChart } from './time-series-chart';
import { sourceNote } from './units';

/** One chart panel: title, honest unit line, the chart and its legend table. */
export function SeriesPanel({
  title,
  scope,
  params,
  stacked,
  danger,
  legend = true,
  testId,
}: {
  title: string;
  scope: Scope;
  params: SeriesParams;
  stacked?: boolean;
  danger?: boolean;
  legend?: boolean;
  testId?: string;
}): React.JSX.Element {
  const q = useSeries(scope, params);
  const d = q.data;
  const unitLine = d
    ? `${d.unit}${d.perSecond ? ' per second' : ` per ${Math.round(d.step / 60000)} min`}${d.folded ? ` · ${d.folded} smaller series folded into “other”` : ''}`
    : '';
  return (
    <Panel
      title={title}
      subtitle={
        d ? (
          <>
            {unitLine}
            {openLast(d) ? (
              <span data-testid="open-step"> · dashed: the last step, still filling</span>
            ) : null}
            {d.unreportedBy.length ? (
              <span className="note"> · {sourceNote(d.unit, d.unreportedBy)}</span>
            ) : null}
          </>
        ) : undefined
      }
      testId={testId}
    >
      <QueryState
        query={q}
        isEmpty={(x) => x.series.length === 0}
        empty="No traffic of this kind in the window."
      >
        {(data) => (
          <>
            <TimeSeriesChart data={data} stacked={stacked} danger={danger} label={title} />
            {legend ? (
              <LegendTable data={data} danger={danger} />
            ) : (
              <LegendChips data={data} danger={danger} />
            )}
          </>
        )}
      </QueryState>
    </Panel>
  );
}
