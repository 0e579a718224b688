import './incidents.css';

import { INCIDENT_SEVERITIES, INCIDENT_STATUSES } from '@api/incident-schema.js';
import { useState } from 'react';
import { Link } from 'react-router';

import { type IncidentFilters, useIncidents } from '../../api/incidents';
import { fmtTime } from '../../components/format';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';
import { ACTION_LABEL, fmtAge, SEVERITY_CLASS } from './incident-format';

const ACTIVE = ['open', 'investigating', 'contained'];

export function Page(): React.JSX.Element {
  const [filters, setFilters] = useState<IncidentFilters>({ status: ACTIVE });
  const list = useIncidents(filters);
  const toggle = (key: 'status' | 'severity', value: string): void =>
    setFilters((f) => {
      const cur = f[key] ?? [];
      const next = cur.includes(value) ? cur.filter((v) => v !== value) : [...cur, value];
      return { ...f, [key]: next.length ? next : undefined };
    });
  return (
    <div className="page">
      <h1>Incidents</h1>
      <div className="filters" data-testid="incident-filters">
        <span className="muted small">Status</span>
        {INCIDENT_STATUSES.map((s) => (
          <label key={s} className="chip">
            <input
              type="checkbox"
              checked={filters.status?.includes(s) ?? false}
              onChange={() => toggle('status', s)}
            />
            {s}
          </label>
        ))}
        <span className="muted small">Severity</span>
        {INCIDENT_SEVERITIES.map((s) => (
          <label key={s} className="chip">
            <input
              type="checkbox"
              checked={filters.severity?.includes(s) ?? false}
              onChange={() => toggle('severity', s)}
            />
            {s}
          </label>
        ))}
      </div>
      <Panel
        title="Incidents"
        subtitle="Newest first. Age counts from detection."
        testId="incident-list"
      >
        <QueryState
          query={list}
          isEmpty={(d) => d.incidents.length === 0}
          empty="No incidents match these filters."
        >
          {(d) => (
            <table className="table incident-table">
              <thead>
                <tr>
                  <th>Incident</th>
                  <th>Severity</th>
                  <th>Status</th>
                  <th>Assignee</th>
                  <th>Namespaces</th>
                  <th>Detected</th>
                  <th>Age</th>
                  <th>Guidance</th>
                </tr>
              </thead>
              <tbody>
                {d.incidents.map((i) => (
                  <tr key={i.id} data-testid="incident-row">
                    <td>
                      <Link to={`/incidents/${encodeURIComponent(i.id)}`}>{i.title}</Link>
                      <div className="muted small">{i.id}</div>
                    </td>
                    <td>
                      <span className={SEVERITY_CLASS[i.severity]}>{i.severity}</span>
                    </td>
                    <td>
                      <span className="badge">{i.status}</span>
                    </td>
                    <td>{i.assignee ?? <span className="muted">—</span>}</td>
                    <td>{i.namespaces.join(', ')}</td>
                    <td className="nowrap">{fmtTime(i.detectedAt)}</td>
                    <td className="nowrap">{fmtAge(i.escalation.elapsedMs)}</td>
                    <td className={i.escalation.overdue ? 'danger-text' : undefined}>
                      {i.escalation.responded ? 'responded' : ACTION_LABEL[i.escalation.action]}
                      {i.escalation.overdue ? ' (overdue)' : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryState>
      </Panel>
    </div>
  );
}
