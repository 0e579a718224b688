import { useState } from 'react';
import { useSearchParams } from 'react-router';

import { useOldestAnswer } from '../api/freshness';
import { useClock } from '../state/clock';
import { RANGES, readTime, REFRESH_OPTIONS, usePatchParams, useScope } from '../state/url-state';
import { fmtCompactTime } from './format';

function toLocalInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function fromLocalInput(v: string): number {
  return new Date(v).getTime();
}

/**
 * When the oldest cached answer on the page was computed (`api/freshness.ts`): answers over long
 * windows come from the server's cache and may be up to about 30 s old.
 */
function AnswersAsOf(): React.JSX.Element | null {
  const asOf = useOldestAnswer();
  if (asOf === null) return null;
  return (
    <span
      className="as-of"
      data-testid="answers-as-of"
      title="When the oldest chart or table on this page was computed. Charts over long windows are recomputed at most every 30 s."
    >
      as of {fmtCompactTime(asOf)}
    </span>
  );
}

/** Time range (15m … 30d, custom), auto-refresh, a refresh-now button, and the answers' age. */
export function TimePicker(): React.JSX.Element {
  const [sp] = useSearchParams();
  const patch = usePatchParams();
  const { tick, refresh } = useClock();
  const scope = useScope();
  const time = readTime(sp);
  const [custom, setCustom] = useState(false);
  const [from, setFrom] = useState(toLocalInput(scope.from));
  const [to, setTo] = useState(toLocalInput(scope.to));
  const current = time.kind === 'custom' ? 'custom' : time.range;
  return (
    <div className="time-picker">
      <div className="seg" role="radiogroup" aria-label="Time range">
        {RANGES.map((r) => (
          <button
            key={r}
            type="button"
            role="radio"
            aria-checked={current === r}
            className={current === r ? 'on' : ''}
            onClick={() => {
              setCustom(false);
              tick();
              patch({ range: r, from: null, to: null });
            }}
          >
            {r}
          </button>
        ))}
        <button
          type="button"
          role="radio"
          aria-checked={current === 'custom'}
          className={current === 'custom' ? 'on' : ''}
          onClick={() => {
            setFrom(toLocalInput(scope.from));
            setTo(toLocalInput(scope.to));
            setCustom((c) => !c);
          }}
        >
          custom
        </button>
      </div>
      {custom ? (
        <form
          className="custom-range"
          onSubmit={(e) => {
            e.preventDefault();
            const f = fromLocalInput(from);
            const t = fromLocalInput(to);
            if (Number.isFinite(f) && Number.isFinite(t) && f < t) {
              patch({ range: null, from: String(f), to: String(t) });
              setCustom(false);
            }
          }}
        >
          <label>
            From{' '}
            <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            To <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <button type="submit">Apply</button>
        </form>
      ) : null}
      <label className="refresh">
        <span className="sr-only">Auto-refresh</span>
        <select
          aria-label="Auto-refresh"
          value={refresh}
          onChange={(e) => patch({ refresh: e.target.value === 'off' ? null : e.target.value })}
        >
          {REFRESH_OPTIONS.map((o) => (
            <option key={o} value={o}>
              {o === 'off' ? 'Auto-refresh off' : `Every ${o}`}
            </option>
          ))}
        </select>
      </label>
      <button type="button" onClick={tick} aria-label="Refresh now" title="Refresh now">
        ⟳
      </button>
      <AnswersAsOf />
    </div>
  );
}
