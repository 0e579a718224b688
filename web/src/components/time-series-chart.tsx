/**
 * A uPlot time series. Stacked charts draw cumulative sums with fills; the legend is a
 * separate table (max, sum, last) as in the reference dashboard. A last step that is still
 * filling is drawn dashed, without fill.
 */
import 'uplot/dist/uPlot.min.css';

import type { TimeSeriesResponse } from '@api/dashboard-schema.js';
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';

import { fmtUnit } from './format';
import { colorAt } from './palette';

export interface ChartProps {
  data: TimeSeriesResponse;
  stacked?: boolean;
  danger?: boolean;
  height?: number;
  label: string;
}

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Whether the last step is still filling (see `openFrom`) and there is a step before it. */
export function openLast(d: TimeSeriesResponse): boolean {
  return d.openFrom !== null && d.times.length > 1 && d.times[d.times.length - 1] === d.openFrom;
}

/**
 * The series (summed up when stacked) and, when the last step is still filling, one more
 * series per series for its dashed last segment: the solid ones then end a step earlier, so a
 * minute that has only begun does not look like traffic that stopped.
 */
function buildData(d: TimeSeriesResponse, stacked: boolean): uPlot.AlignedData {
  const xs = d.times.map((t) => t / 1000);
  const acc = d.times.map(() => 0);
  const ys = d.series.map((s) => {
    if (!stacked) return s.values.map((v) => v);
    return s.values.map((v, i) => {
      acc[i] = (acc[i] ?? 0) + (v ?? 0);
      return acc[i] as number;
    });
  });
  if (!openLast(d)) return [xs, ...ys] as uPlot.AlignedData;
  const last = xs.length - 1;
  const tails = ys.map((y) => y.map((v, i) => (i >= last - 1 ? v : null)));
  const solid = ys.map((y) => y.map((v, i) => (i === last ? null : v)));
  return [xs, ...solid, ...tails] as uPlot.AlignedData;
}

/** Marks the first chart paint for the UI benchmark. */
function markPainted(): void {
  if (performance.getEntriesByName('first-chart-paint').length === 0)
    performance.mark('first-chart-paint');
}

export function TimeSeriesChart({
  data,
  stacked = false,
  danger = false,
  height = 220,
  label,
}: ChartProps): React.JSX.Element {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return undefined;
    const axis = cssVar('--muted', '#64748b');
    const grid = cssVar('--grid', 'rgba(100,116,139,0.15)');
    const unit = data.unit;
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      // Rates and counts start at zero: a stacked area that starts at 400 misleads.
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] } },
      axes: [
        { stroke: axis, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
        {
          stroke: axis,
          grid: { stroke: grid, width: 1 },
          ticks: { stroke: grid },
          size: 70,
          values: (_u, vals) =>
            vals.map((v) => fmtUnit(v, unit, data.perSecond).replace(` ${unit}`, '')),
        },
      ],
      series: [
        {},
        ...data.series.map((s, i) => {
          const c = colorAt(i, danger);
          return {
            label: s.key,
            stroke: c,
            width: 1.5,
            fill: stacked ? `${c}55` : danger ? `${c}22` : undefined,
            points: { show: false },
          };
        }),
        ...(openLast(data)
          ? data.series.map((s, i) => ({
              label: `${s.key} (still filling)`,
              stroke: colorAt(i, danger),
              width: 1.5,
              dash: [4, 4],
              points: { show: false },
            }))
          : []),
      ],
      hooks: { draw: [markPainted] },
    };
    // Stacked fills run from each series down to the one below it.
    if (stacked && data.series.length > 1) {
      opts.bands = data.series
        .slice(1)
        .map((_s, i) => ({ series: [i + 2, i + 1] as [number, number] }));
    }
    const plot = new uPlot(opts, buildData(data, stacked), el);
    const ro = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(300, el.clientWidth), height }),
    );
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [data, stacked, danger, height]);
  return <div ref={host} className="chart" role="img" aria-label={label} data-testid="chart" />;
}
