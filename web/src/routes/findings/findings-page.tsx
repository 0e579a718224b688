/**
 * The findings list: filters live in the URL (type, status, severity, since; cluster and
 * namespace from the shared variables), severity in colour, suppressed findings marked.
 */
import './findings.css';

import { FINDING_TYPES, type FindingView, SEVERITIES } from '@api/finding-schema.js';
import { useMemo } from 'react';
import { useNavigate } from 'react-router';

import { useFindings } from '../../api/findings';
import { type Column, DataTable } from '../../components/data-table';
import { fmtTime } from '../../components/format';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';
import { useClock } from '../../state/clock';
import { splitList, useParam, useScope } from '../../state/url-state';
import { SeverityBadge, subjectText, SuppressedMark } from './finding-parts';

const SINCE: Record<string, number | null> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  all: null,
};

const COLUMNS: readonly Column<FindingView>[] = [
  {
    id: 'severity',
    header: 'Severity',
    width: '90px',
    cell: (f) => <SeverityBadge severity={f.severity} />,
    sortValue: (f) => SEVERITIES.indexOf(f.severity),
  },
  { id: 'type', header: 'Type', width: '140px', cell: (f) => f.type, sortValue: (f) => f.type },
  {
    id: 'subject',
    header: 'Subject',
    width: '2fr',
    cell: (f) => subjectText(f),
    title: (f) => subjectText(f),
    sortValue: (f) => subjectText(f),
  },
  {
    id: 'peer',
    header: 'Peer',
    width: '1.5fr',
    cell: (f) => f.subject.peer ?? '',
    title: (f) => f.subject.peer ?? '',
  },
  { id: 'cluster', header: 'Cluster', width: '110px', cell: (f) => f.subject.cluster },
  {
    id: 'start',
    header: 'Start',
    width: '170px',
    cell: (f) => fmtTime(f.start),
    sortValue: (f) => f.start,
  },
  {
    id: 'end',
    header: 'Last seen',
    width: '170px',
    cell: (f) => fmtTime(f.end),
    sortValue: (f) => f.end,
  },
  {
    id: 'status',
    header: 'Status',
    width: '80px',
    cell: (f) => f.status,
    sortValue: (f) => f.status,
  },
  {
    id: 'suppressed',
    header: 'Suppression',
    width: '1.2fr',
    cell: (f) => <SuppressedMark suppression={f.suppression} />,
  },
];

function Select({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string | null;
  options: readonly string[];
  onChange: (v: string | null) => void;
}): React.JSX.Element {
  return (
    <label>
      {label}
      <select
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value || null)}
        aria-label={label}
      >
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Page(): React.JSX.Element {
  const scope = useScope();
  const { anchor } = useClock();
  const navigate = useNavigate();
  const [type, setType] = useParam('type');
  const [status, setStatus] = useParam('status');
  const [minSeverity, setMinSeverity] = useParam('minSeverity');
  const [since, setSince] = useParam('since');
  const sinceMs = SINCE[since ?? '7d'] ?? null;
  const filters = useMemo(
    () => ({
      from: sinceMs === null ? undefined : anchor - sinceMs,
      type: type ? splitList(type) : undefined,
      status: status ? [status] : undefined,
      minSeverity: minSeverity ?? undefined,
      cluster: scope.cluster.length ? [...scope.cluster] : undefined,
      namespace: scope.namespace.length ? [...scope.namespace] : undefined,
    }),
    [sinceMs, anchor, type, status, minSeverity, scope.cluster, scope.namespace],
  );
  const q = useFindings(filters);
  return (
    <div className="page">
      <h1>Findings</h1>
      <div className="finding-filters" data-testid="finding-filters">
        <Select label="Type" value={type} options={FINDING_TYPES} onChange={setType} />
        <Select label="Status" value={status} options={['open', 'closed']} onChange={setStatus} />
        <Select
          label="Minimum severity"
          value={minSeverity}
          options={SEVERITIES}
          onChange={setMinSeverity}
        />
        <label>
          Since
          <select
            value={since ?? '7d'}
            onChange={(e) => setSince(e.target.value === '7d' ? null : e.target.value)}
            aria-label="Since"
          >
            {Object.keys(SINCE).map((s) => (
              <option key={s} value={s}>
                {s === 'all' ? 'all kept' : `last ${s}`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Panel
        title="Findings"
        subtitle="What the detectors found in denied and allowed traffic. Select a row for the evidence."
        testId="findings-list"
        busy={q.isFetching}
      >
        <QueryState
          query={q}
          isEmpty={(d) => d.findings.length === 0}
          empty="No findings match these filters."
        >
          {(d) => (
            <>
              <DataTable
                columns={COLUMNS}
                rows={d.findings}
                rowKey={(f) => f.id}
                label="Findings"
                onOpen={(f) => void navigate(`/findings/${encodeURIComponent(f.id)}`)}
                rowClass={(f) => (f.suppression ? 'row-suppressed' : undefined)}
                height={560}
                initialSort={{ id: 'end', desc: true }}
              />
              {d.truncated ? (
                <p className="muted small">Showing the {d.findings.length} most recent findings.</p>
              ) : null}
            </>
          )}
        </QueryState>
      </Panel>
    </div>
  );
}
