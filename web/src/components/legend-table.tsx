import type { TimeSeriesResponse } from '@api/dashboard-schema.js';

import { fmtNumber, fmtUnit } from './format';
import { colorAt } from './palette';

/** Legend as a table of max, sum and last, sorted by last; drops above 0 are shaded red. */
/** A compact legend for stacked charts: swatch and name only. */
export function LegendChips({
  data,
  danger = false,
}: {
  data: TimeSeriesResponse;
  danger?: boolean;
}): React.JSX.Element {
  return (
    <ul className="legend-chips">
      {data.series.map((s, i) => (
        <li key={s.key}>
          <span className="swatch" style={{ background: colorAt(i, danger) }} aria-hidden="true" />
          {s.key}
        </li>
      ))}
    </ul>
  );
}

export function LegendTable({
  data,
  danger = false,
  onPick,
}: {
  data: TimeSeriesResponse;
  danger?: boolean;
  onPick?: (key: string) => void;
}): React.JSX.Element {
  const f = (v: number): string =>
    data.unit === 'bytes' ? fmtUnit(v, 'bytes', data.perSecond) : fmtNumber(v);
  return (
    <table className="legend">
      <thead>
        <tr>
          <th scope="col">Series</th>
          <th scope="col" className="num">
            Max
          </th>
          <th scope="col" className="num">
            Sum
          </th>
          <th scope="col" className="num">
            Last
          </th>
        </tr>
      </thead>
      <tbody>
        {data.series.map((s, i) => (
          <tr key={s.key} className={danger && s.last > 0 ? 'drop' : undefined}>
            <td>
              <span
                className="swatch"
                style={{ background: colorAt(i, danger) }}
                aria-hidden="true"
              />
              {onPick ? (
                <button type="button" className="link" onClick={() => onPick(s.key)}>
                  {s.key}
                </button>
              ) : (
                s.key
              )}
            </td>
            <td className={`num${danger && s.max > 0 ? ' drop-cell' : ''}`}>{f(s.max)}</td>
            <td className="num">{f(s.sum)}</td>
            <td className={`num${danger && s.last > 0 ? ' drop-cell' : ''}`}>{f(s.last)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
