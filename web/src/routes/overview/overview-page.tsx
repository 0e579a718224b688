import type { OverviewResponse, Ranked, VolumeChange } from '@api/dashboard-schema.js';
import { Link, useSearchParams } from 'react-router';

import { useOverview } from '../../api/overview';
import {
  fmtCount,
  fmtRatio,
  fmtShortTime,
  fmtUnit,
  NOT_REPORTED,
  peerText,
} from '../../components/format';
import { Panel } from '../../components/panel';
import { SeriesPanel } from '../../components/series-panel';
import { QueryState } from '../../components/states';
import { useScope } from '../../state/url-state';

function Stat({
  label,
  value,
  hint,
  tone,
}: {
  label: string;
  value: string;
  hint?: string;
  tone?: 'danger' | 'warn' | 'ok';
}): React.JSX.Element {
  return (
    <div className={`stat ${tone ?? ''}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

function Headline({ d }: { d: OverviewResponse }): React.JSX.Element {
  const denied =
    d.denied.flows !== null
      ? fmtUnit(d.denied.flows, 'flows')
      : d.denied.packets !== null
        ? fmtUnit(d.denied.packets, 'packets')
        : '0 flows';
  const deniedHint =
    d.denied.flows !== null && d.denied.packets !== null
      ? `${fmtUnit(d.denied.packets, 'packets')} where reported`
      : d.denied.flows === null && d.denied.packets !== null
        ? `flows ${NOT_REPORTED}`
        : undefined;
  const a = d.allowed;
  const tone = a.ratio !== null && a.ratio > 2 ? 'warn' : undefined;
  return (
    <div className="stats" data-testid="headline">
      <Stat
        label="Denied"
        value={denied}
        hint={deniedHint}
        tone={(d.denied.flows ?? d.denied.packets ?? 0) > 0 ? 'danger' : 'ok'}
      />
      <Stat
        label="Distinct denied sources"
        value={String(d.denied.distinctSources)}
        tone={d.denied.distinctSources > 0 ? 'danger' : 'ok'}
      />
      <Stat
        label={`Allowed volume (${a.unit})`}
        value={fmtUnit(a.current, a.unit)}
        hint={
          a.usual === null
            ? 'no history yet for a usual level'
            : `usual ${fmtUnit(a.usual, a.unit)} · ${fmtRatio(a.ratio)}`
        }
        tone={tone}
      />
      <Stat
        label="Silent sources"
        value={String(d.silentSources.length)}
        hint={
          d.silentSources.length
            ? d.silentSources
                .map((s) => `${s.cluster}/${s.source} since ${fmtShortTime(s.lastSeen)}`)
                .join(', ')
            : 'every source reported in this window'
        }
        tone={d.silentSources.length ? 'warn' : 'ok'}
      />
    </div>
  );
}

function TopList({
  title,
  rows,
  qs,
}: {
  title: string;
  rows: Ranked[];
  qs: string;
}): React.JSX.Element {
  const max = Math.max(1, ...rows.map((r) => r.flows ?? r.packets ?? 0));
  return (
    <Panel title={title}>
      {rows.length === 0 ? (
        <p className="muted">No denied traffic.</p>
      ) : (
        <ol className="toplist">
          {rows.map((r) => {
            const v = r.flows ?? r.packets ?? 0;
            return (
              <li key={r.label}>
                <Link to={`/denied${qs}`} className="toplabel" title={r.label}>
                  {r.label}
                </Link>
                <span className="bar" style={{ width: `${(v / max) * 100}%` }} aria-hidden="true" />
                <span className="num">
                  {r.flows !== null ? fmtUnit(r.flows, 'flows') : fmtUnit(r.packets, 'packets')}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </Panel>
  );
}

function Changes({ rows }: { rows: VolumeChange[] }): React.JSX.Element {
  return (
    <Panel
      title="Largest changes in allowed volume"
      subtitle="Against the usual level for a window of this length (average over the baseline period)"
    >
      {rows.length === 0 ? (
        <p className="muted">No allowed traffic in this window.</p>
      ) : (
        <table className="simple">
          <thead>
            <tr>
              <th scope="col">Connection</th>
              <th scope="col" className="num">
                Now
              </th>
              <th scope="col" className="num">
                Usual
              </th>
              <th scope="col" className="num">
                Change
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${peerText(r.src)}>${peerText(r.dst)}:${r.port}/${r.protocol}`}>
                <td className="conn">
                  <span>{peerText(r.src)}</span> → <span>{peerText(r.dst)}</span>:{r.port ?? '-'}/
                  {r.protocol}
                </td>
                <td className="num">{fmtUnit(r.current, r.unit)}</td>
                <td className="num">{r.usual === null ? '—' : fmtUnit(r.usual, r.unit)}</td>
                <td className={`num ${r.ratio === null || r.ratio > 2 ? 'up' : ''}`}>
                  {fmtRatio(r.ratio)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

export function Page(): React.JSX.Element {
  const scope = useScope();
  const q = useOverview(scope);
  const [sp] = useSearchParams();
  const qs = sp.toString() ? `?${sp.toString()}` : '';
  return (
    <div className="page">
      <h1>Overview</h1>
      <QueryState query={q}>{(d) => <Headline d={d} />}</QueryState>
      <div className="grid2">
        <SeriesPanel
          title="Denied traffic by namespace"
          scope={scope}
          params={{
            verdict: 'denied',
            groupBy: 'namespace',
            direction: 'any',
            rate: false,
            metric: 'flows',
          }}
          stacked
          danger
          legend={false}
          testId="overview-denied-chart"
        />
        <SeriesPanel
          title="Allowed traffic by namespace"
          scope={scope}
          params={{
            verdict: 'allowed',
            groupBy: 'namespace',
            direction: 'any',
            rate: false,
            metric: 'flows',
          }}
          stacked
          legend={false}
        />
      </div>
      <QueryState query={q}>
        {(d) => (
          <>
            <div className="grid3">
              <TopList title="Top denied sources" rows={d.topDeniedSources} qs={qs} />
              <TopList title="Top denied destinations" rows={d.topDeniedDestinations} qs={qs} />
              <TopList title="Top denied ports" rows={d.topDeniedPorts} qs={qs} />
            </div>
            <Changes rows={d.largestChanges} />
          </>
        )}
      </QueryState>
      <p className="muted small">
        Counts are shown as {fmtCount(null)} when a source does not report them.
      </p>
    </div>
  );
}
