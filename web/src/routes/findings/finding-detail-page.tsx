/**
 * One finding: what and when, its numbers, the raw events of its span, the suppression that
 * covers it and the reviews that decided it, a link to the denied or allowed page filtered to
 * it, and "Open incident".
 */
import './findings.css';

import type { FindingDetailResponse } from '@api/finding-schema.js';
import type { StoredFlowLike } from '@api/review-schema.js';
import { Link, useNavigate, useParams } from 'react-router';

import { useFinding } from '../../api/findings';
import { incidentSeverity, useCreateIncident } from '../../api/reviews';
import { type Column, DataTable } from '../../components/data-table';
import { fmtCount, fmtTime } from '../../components/format';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';
import { DENIED_TYPES, SeverityBadge, subjectText, SuppressedMark } from './finding-parts';

const side = (e: StoredFlowLike['src']): string =>
  e.namespace
    ? `${e.namespace}/${e.workload?.name ?? e.pod ?? ''}`
    : (e.ip ?? e.externalGroup ?? e.kind);

const FLOW_COLUMNS: readonly Column<StoredFlowLike>[] = [
  {
    id: 'time',
    header: 'Time',
    width: '170px',
    cell: (f) => fmtTime(f.time),
    sortValue: (f) => f.time,
  },
  {
    id: 'src',
    header: 'Source',
    width: '1.5fr',
    cell: (f) => side(f.src),
    title: (f) => side(f.src),
  },
  {
    id: 'dst',
    header: 'Destination',
    width: '1.5fr',
    cell: (f) => side(f.dst),
    title: (f) => side(f.dst),
  },
  { id: 'port', header: 'Port', width: '110px', cell: (f) => `${f.port ?? ''}/${f.protocol}` },
  { id: 'verdict', header: 'Verdict', width: '90px', cell: (f) => f.verdict },
  { id: 'reason', header: 'Reason', width: '1fr', cell: (f) => f.reason, title: (f) => f.reason },
  { id: 'flows', header: 'Flows', width: '80px', cell: (f) => fmtCount(f.flows), align: 'right' },
];

function pageLink(d: FindingDetailResponse): string {
  const f = d.evidence.filter;
  const p = new URLSearchParams();
  for (const k of ['cluster', 'from', 'to', 'workload'] as const) if (f[k]) p.set(k, f[k]);
  if (f['namespace']) p.set('ns', f['namespace']);
  return `/${DENIED_TYPES.includes(d.finding.type) ? 'denied' : 'allowed'}?${p.toString()}`;
}

function OpenIncident({ d }: { d: FindingDetailResponse }): React.JSX.Element {
  const create = useCreateIncident();
  const navigate = useNavigate();
  const f = d.finding;
  return (
    <span className="finding-actions">
      <button
        type="button"
        disabled={create.isPending}
        onClick={() =>
          create.mutate(
            {
              title: `${f.type} on ${subjectText(f)}`,
              severity: incidentSeverity(f.severity),
              kind:
                DENIED_TYPES.includes(f.type) && f.type === 'misconfiguration'
                  ? 'misconfiguration'
                  : 'attack',
              cluster: f.subject.cluster,
              findingIds: [f.id],
            },
            { onSuccess: (r) => void navigate(`/incidents/${encodeURIComponent(r.id)}`) },
          )
        }
      >
        Open incident
      </button>
      {create.error ? (
        <span className="state-error" role="alert" data-testid="incident-error">
          Could not open an incident: {create.error.message}
        </span>
      ) : null}
    </span>
  );
}

function Detail({ d }: { d: FindingDetailResponse }): React.JSX.Element {
  const f = d.finding;
  const ev = f.evidence;
  return (
    <>
      <Panel
        title={`${f.type}: ${subjectText(f)}`}
        subtitle={f.explanation}
        actions={
          <span className="finding-actions">
            <Link to={pageLink(d)} data-testid="traffic-link">
              {DENIED_TYPES.includes(f.type) ? 'Denied traffic' : 'Allowed traffic'} of this finding
            </Link>
            <OpenIncident d={d} />
          </span>
        }
        testId="finding-detail"
      >
        <dl className="finding-facts">
          <dt>Severity</dt>
          <dd>
            <SeverityBadge severity={f.severity} /> (confidence {Math.round(f.confidence * 100)} %)
          </dd>
          <dt>Status</dt>
          <dd>
            {f.status} <SuppressedMark suppression={f.suppression} />
          </dd>
          <dt>When</dt>
          <dd>
            {fmtTime(f.start)} – {fmtTime(f.end)}
          </dd>
          <dt>Cluster</dt>
          <dd>{f.subject.cluster}</dd>
          <dt>Subject</dt>
          <dd>{subjectText(f)}</dd>
          <dt>Peer</dt>
          <dd>{f.subject.peer ?? '—'}</dd>
          <dt>Observed</dt>
          <dd>
            {fmtCount(ev.observed)} {ev.unit}
            {ev.usual !== null ? ` (usual ${fmtCount(ev.usual)})` : ''}
          </dd>
          {ev.distinctPorts !== null ? (
            <>
              <dt>Distinct ports</dt>
              <dd>{ev.distinctPorts}</dd>
            </>
          ) : null}
          {ev.distinctHosts !== null ? (
            <>
              <dt>Distinct hosts</dt>
              <dd>{ev.distinctHosts}</dd>
            </>
          ) : null}
          {f.samples.length ? (
            <>
              <dt>Samples</dt>
              <dd>{f.samples.join(', ')}</dd>
            </>
          ) : null}
        </dl>
      </Panel>
      <Panel
        title="Evidence"
        subtitle="Raw events of the finding's span (first page, in your scope)."
        testId="finding-evidence"
      >
        {d.evidence.flows.length === 0 ? (
          <p className="muted">
            No raw events kept for this span (raw events are kept for 7 days by default).
          </p>
        ) : (
          <DataTable
            columns={FLOW_COLUMNS}
            rows={d.evidence.flows}
            rowKey={(r) => r.id}
            label="Evidence flows"
            height={320}
          />
        )}
      </Panel>
      <Panel
        title="Reviews"
        subtitle="Daily reviews that decided this finding."
        testId="finding-reviews"
      >
        {d.reviews.length === 0 ? (
          <p className="muted">Not reviewed yet.</p>
        ) : (
          <ul>
            {d.reviews.map((r) => (
              <li key={r.reviewId}>
                {r.item.disposition?.disposition} by {r.item.disposition?.actor} at{' '}
                {fmtTime(r.item.disposition?.at ?? 0)}: {r.item.disposition?.reason}
                {r.item.disposition?.incidentId ? (
                  <>
                    {' '}
                    (
                    <Link to={`/incidents/${encodeURIComponent(r.item.disposition.incidentId)}`}>
                      incident
                    </Link>
                    )
                  </>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </Panel>
    </>
  );
}

export function Page(): React.JSX.Element {
  const { id = '' } = useParams();
  const q = useFinding(id);
  return (
    <div className="page">
      <h1>
        <Link to="/findings">Findings</Link> / {id}
      </h1>
      <QueryState query={q}>{(d) => <Detail d={d} />}</QueryState>
    </div>
  );
}
