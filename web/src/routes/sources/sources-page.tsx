/**
 * Sources: every live source and ingest format with a clear health state (healthy, lagging,
 * silent, failing, starting), and the journal of NetworkPolicy and namespace-label changes.
 * A silent or failing source is a gap in the evidence; the page says so. Names, reasons and
 * diff lines come from the cluster and the sources: rendered as text only.
 */
import './sources.css';

import type { PolicyChange, SourceStatus } from '@api/source-schema.js';
import { useState } from 'react';

import { type PolicyChangeFilters, usePolicyChanges, useSources } from '../../api/sources';
import { type Column, DataTable } from '../../components/data-table';
import { DayRangeInputs } from '../../components/day-range-inputs';
import { fmtCompactTime, fmtNumber } from '../../components/format';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';

const dash = (n: number | null): string => (n === null ? '—' : fmtNumber(n));
const seconds = (ms: number | null): string => (ms === null ? '—' : `${Math.round(ms / 1000)} s`);
const when = (ms: number | null): string => (ms === null ? 'never' : fmtCompactTime(ms));

const SOURCE_COLUMNS: readonly Column<SourceStatus>[] = [
  { id: 'name', header: 'Source', width: '2fr', cell: (s) => s.name, title: (s) => s.name },
  { id: 'kind', header: 'Kind', width: '110px', cell: (s) => s.kind },
  {
    id: 'health',
    header: 'Health',
    width: '100px',
    cell: (s) => <span className={`health health-${s.health}`}>{s.health}</span>,
    sortValue: (s) => s.health,
  },
  { id: 'reason', header: 'Why', width: '2fr', cell: (s) => s.reason, title: (s) => s.reason },
  {
    id: 'last',
    header: 'Last data',
    width: '130px',
    cell: (s) => when(s.lastDataAt),
    sortValue: (s) => s.lastDataAt ?? 0,
  },
  { id: 'lag', header: 'Lag', width: '70px', cell: (s) => seconds(s.lagMs), align: 'right' },
  { id: 'records', header: 'Records', width: '90px', cell: (s) => dash(s.records), align: 'right' },
  {
    id: 'lost',
    header: 'Lost events',
    width: '90px',
    cell: (s) => fmtNumber(s.lostEvents),
    sortValue: (s) => s.lostEvents,
    align: 'right',
  },
  { id: 'errors', header: 'Errors', width: '70px', cell: (s) => dash(s.errors), align: 'right' },
  {
    id: 'reconnects',
    header: 'Reconnects',
    width: '90px',
    cell: (s) => dash(s.reconnects),
    align: 'right',
  },
  {
    id: 'lastError',
    header: 'Last error',
    width: '2fr',
    cell: (s) => s.lastError ?? '',
    title: (s) => s.lastError ?? '',
  },
];

const CHANGE_COLUMNS: readonly Column<PolicyChange>[] = [
  {
    id: 'time',
    header: 'Seen',
    width: '130px',
    cell: (c) => fmtCompactTime(c.time),
    sortValue: (c) => c.time,
  },
  { id: 'cluster', header: 'Cluster', width: '100px', cell: (c) => c.cluster },
  { id: 'kind', header: 'Kind', width: '120px', cell: (c) => c.kind },
  {
    id: 'object',
    header: 'Object',
    width: '1.5fr',
    cell: (c) => (c.kind === 'Namespace' ? c.name : `${c.namespace}/${c.name}`),
  },
  { id: 'type', header: 'Change', width: '80px', cell: (c) => c.type },
  { id: 'seenBy', header: 'Seen by', width: '80px', cell: (c) => c.seenBy },
  {
    id: 'summary',
    header: 'Summary',
    width: '3fr',
    cell: (c) => c.summary,
    title: (c) => [c.summary, ...c.diff].join('\n'),
  },
];

function SourceHealth(): React.JSX.Element {
  const q = useSources();
  return (
    <Panel
      title="Sources"
      subtitle="Silent or failing sources are gaps in the evidence: flows from them are missing, not zero."
      busy={q.isFetching}
      testId="sources"
    >
      <QueryState
        query={q}
        isEmpty={(d) => d.sources.length === 0}
        empty="No source is configured and nothing has been ingested yet."
      >
        {(d) => {
          const gaps = d.sources.filter((s) => s.health === 'silent' || s.health === 'failing');
          return (
            <>
              <div className="sources-summary" data-testid="sources-summary">
                <span>{d.sources.length} sources</span>
                <span className={gaps.length ? 'health health-failing' : 'health health-healthy'}>
                  {gaps.length
                    ? `${gaps.length} silent or failing: evidence gap`
                    : 'no evidence gap'}
                </span>
                <span className="muted">
                  silent after {Math.round(d.thresholds.silentAfterMs / 60_000)} min without data;
                  lagging above {Math.round(d.thresholds.laggingAboveMs / 60_000)} min
                </span>
              </div>
              <DataTable
                columns={SOURCE_COLUMNS}
                rows={d.sources}
                rowKey={(s) => `${s.kind}:${s.name}`}
                label="Sources and their health"
                height={Math.min(400, 40 + d.sources.length * 34)}
              />
            </>
          );
        }}
      </QueryState>
    </Panel>
  );
}

function PolicyChanges(): React.JSX.Element {
  const [filters, setFilters] = useState<PolicyChangeFilters>({});
  const q = usePolicyChanges(filters);
  const set = (patch: Partial<PolicyChangeFilters>): void =>
    setFilters((f) => {
      const next: PolicyChangeFilters = { ...f, ...patch };
      for (const k of Object.keys(next) as (keyof PolicyChangeFilters)[])
        if (next[k] === undefined || next[k] === '') delete next[k];
      return next;
    });
  return (
    <Panel
      title="Policy changes"
      subtitle="NetworkPolicy and namespace-label changes seen by the live cluster watch (last 7 days unless a range is given)."
      busy={q.isFetching}
      testId="policy-changes"
    >
      <form
        className="change-filters"
        aria-label="Policy change filters"
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          Namespace
          <input
            name="namespace"
            value={filters.namespace ?? ''}
            onChange={(e) => set({ namespace: e.target.value || undefined })}
          />
        </label>
        <label>
          Kind
          <select
            name="kind"
            value={filters.kind ?? ''}
            onChange={(e) =>
              set({ kind: (e.target.value || undefined) as PolicyChangeFilters['kind'] })
            }
          >
            <option value="">any</option>
            <option value="NetworkPolicy">NetworkPolicy</option>
            <option value="Namespace">Namespace</option>
          </select>
        </label>
        <DayRangeInputs onChange={set} />
      </form>
      <QueryState
        query={q}
        isEmpty={(d) => d.changes.length === 0}
        empty={
          q.data?.watching === false
            ? 'This server does not watch a cluster (config kubernetes or --kubeconfig), so no changes are journaled.'
            : 'No policy changes in this window.'
        }
      >
        {(d) => (
          <DataTable
            columns={CHANGE_COLUMNS}
            rows={d.changes}
            rowKey={(c) => c.id}
            label="Policy changes"
            initialSort={{ id: 'time', desc: true }}
          />
        )}
      </QueryState>
    </Panel>
  );
}

export function Page(): React.JSX.Element {
  return (
    <>
      <SourceHealth />
      <PolicyChanges />
    </>
  );
}
