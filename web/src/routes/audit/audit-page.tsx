/**
 * The audit log, for auditors and admins: filters (actor, action, outcome, time), the
 * hash-chain check, and CSV export. Every value is rendered as text (actors of failed logins
 * are whatever an attacker typed).
 */
import './audit.css';

import type { AuditEntryDto } from '@api/auth-schema.js';
import { useState } from 'react';

import { useMe } from '../../api/auth';
import { type Column, DataTable } from '../../components/data-table';
import { DayRangeInputs } from '../../components/day-range-inputs';
import { Panel } from '../../components/panel';
import { Empty, ErrorState, QueryState } from '../../components/states';
import { auditCsvUrl, type AuditFilters, useAuditLog, useAuditVerify } from './audit-api';

const ACTIONS = [
  'login',
  'logout',
  'user.create',
  'user.set-role',
  'user.disable',
  'user.enable',
  'user.set-password',
  'token.create',
  'token.revoke',
  'flows.export',
  'audit.export',
  'review.start',
  'review.disposition',
  'review.signoff',
  'suppression.create',
  'suppression.revoke',
  'incident.create',
  'incident.update',
  'incident.comment',
  'incident.notify',
  'incident.quarantine.plan',
  'incident.quarantine.apply',
  'incident.quarantine.lift',
  'report.issue',
];

const COLUMNS: readonly Column<AuditEntryDto>[] = [
  {
    id: 'seq',
    header: '#',
    width: '70px',
    cell: (r) => r.seq,
    sortValue: (r) => r.seq,
    align: 'right',
  },
  {
    id: 'time',
    header: 'Time (UTC)',
    width: '190px',
    cell: (r) => new Date(r.time).toISOString().replace('T', ' ').slice(0, 19),
    sortValue: (r) => r.time,
  },
  { id: 'actor', header: 'Actor', width: '1fr', cell: (r) => r.actor, title: (r) => r.actor },
  { id: 'action', header: 'Action', width: '140px', cell: (r) => r.action },
  {
    id: 'target',
    header: 'Target',
    width: '1fr',
    cell: (r) => r.target ?? '',
    title: (r) => r.target ?? '',
  },
  {
    id: 'outcome',
    header: 'Outcome',
    width: '90px',
    cell: (r) => <span className={`outcome outcome-${r.outcome}`}>{r.outcome}</span>,
  },
  { id: 'ip', header: 'Client', width: '130px', cell: (r) => r.ip ?? '' },
  {
    id: 'details',
    header: 'Details',
    width: '2fr',
    cell: (r) => JSON.stringify(r.details),
    title: (r) => JSON.stringify(r.details),
  },
];

function ChainStatus(): React.JSX.Element {
  const [asked, setAsked] = useState(false);
  const v = useAuditVerify(asked);
  if (!asked)
    return (
      <button type="button" onClick={() => setAsked(true)}>
        Verify hash chain
      </button>
    );
  if (v.isPending) return <span className="muted">Verifying…</span>;
  if (v.error) return <ErrorState error={v.error} />;
  return v.data.ok ? (
    <span className="chain-ok" data-testid="chain-status">
      Chain intact: {v.data.entries} entries, head <code>{v.data.head.slice(0, 16)}…</code>
    </span>
  ) : (
    <span className="state-error" role="alert" data-testid="chain-status">
      Chain broken at entry #{v.data.firstBad?.seq}: {v.data.firstBad?.reason}
    </span>
  );
}

export function Page(): React.JSX.Element {
  const me = useMe();
  const [filters, setFilters] = useState<AuditFilters>({});
  const role = me.data?.user.role;
  const log = useAuditLog(filters, role === 'admin' || role === 'auditor');
  if (role !== 'admin' && role !== 'auditor')
    return <Empty>The audit log is available to auditors and admins.</Empty>;
  const set = (patch: Partial<AuditFilters>): void =>
    setFilters((f) => {
      const next: AuditFilters = { ...f, ...patch };
      for (const k of Object.keys(next) as (keyof AuditFilters)[])
        if (next[k] === undefined || next[k] === '') delete next[k];
      return next;
    });
  return (
    <Panel
      title="Audit log"
      subtitle="Append-only and hash-chained: sign-ins, user, role and token changes, exports."
      actions={
        <span className="audit-actions">
          <ChainStatus />
          <a className="button" href={auditCsvUrl(filters)} download>
            Export CSV
          </a>
        </span>
      }
      busy={log.isFetching}
      testId="audit-log"
    >
      <form
        className="audit-filters"
        aria-label="Audit filters"
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          Actor
          <input
            name="actor"
            value={filters.actor ?? ''}
            onChange={(e) => set({ actor: e.target.value || undefined })}
          />
        </label>
        <label>
          Action
          <select
            name="action"
            value={filters.action ?? ''}
            onChange={(e) => set({ action: e.target.value || undefined })}
          >
            <option value="">any</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Outcome
          <select
            name="outcome"
            value={filters.outcome ?? ''}
            onChange={(e) => set({ outcome: e.target.value || undefined })}
          >
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="failed">failed</option>
            <option value="denied">denied</option>
          </select>
        </label>
        <DayRangeInputs onChange={set} />
      </form>
      <QueryState query={log} isEmpty={(d) => d.entries.length === 0} empty="No entries match.">
        {(d) => (
          <DataTable
            columns={COLUMNS}
            rows={d.entries}
            rowKey={(r) => String(r.seq)}
            label="Audit entries"
            height={560}
            initialSort={{ id: 'seq', desc: true }}
          />
        )}
      </QueryState>
    </Panel>
  );
}
