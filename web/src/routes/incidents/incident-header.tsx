import { INCIDENT_OUTCOMES, type IncidentDetailResponse } from '@api/incident-schema.js';
import { useState } from 'react';

import { usePatchIncident } from '../../api/incidents';
import { SEVERITY_CLASS } from './incident-format';

/** Title, severity, status with the allowed transitions, and the assignee. */
export function IncidentHeader({ d }: { d: IncidentDetailResponse }): React.JSX.Element {
  const i = d.incident;
  const patch = usePatchIncident(i.id);
  const [outcome, setOutcome] = useState<string>(i.outcome ?? '');
  const [reason, setReason] = useState('');
  const [assignee, setAssignee] = useState(i.assignee ?? '');
  const move = (to: (typeof d.transitions)[number]): void =>
    patch.mutate({
      status: to,
      ...(outcome ? { outcome: outcome as (typeof INCIDENT_OUTCOMES)[number] } : {}),
      ...(reason.trim()
        ? {
            reason: reason.trim(),
            // The note becomes the resolution text when the incident ends.
            ...(to === 'resolved' || to === 'closed' ? { resolution: reason.trim() } : {}),
          }
        : {}),
    });
  return (
    <header>
      <h1 data-testid="incident-title">{i.title}</h1>
      <p>
        <span className={SEVERITY_CLASS[i.severity]}>{i.severity}</span>{' '}
        <span className="badge" data-testid="incident-status">
          {i.status}
        </span>{' '}
        <span className="muted">
          {i.kind} · {i.cluster} · {i.id}
        </span>
      </p>
      <div className="incident-actions">
        <label>
          Outcome{' '}
          <select
            value={outcome}
            onChange={(e) => setOutcome(e.target.value)}
            data-testid="outcome"
          >
            <option value="">—</option>
            {INCIDENT_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {o}
              </option>
            ))}
          </select>
        </label>
        <label>
          Note or reason{' '}
          <input
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            data-testid="status-reason"
          />
        </label>
        {d.transitions.map((to) => (
          <button
            key={to}
            type="button"
            onClick={() => move(to)}
            disabled={patch.isPending}
            data-testid={`to-${to}`}
            className="primary"
          >
            Move to {to}
          </button>
        ))}
        <label>
          Assignee{' '}
          <input
            value={assignee}
            onChange={(e) => setAssignee(e.target.value)}
            data-testid="assignee"
          />
        </label>
        <button
          type="button"
          onClick={() => patch.mutate({ assignee: assignee.trim() || null })}
          disabled={patch.isPending || assignee.trim() === (i.assignee ?? '')}
        >
          Assign
        </button>
      </div>
      {patch.error ? (
        <p className="danger-text" role="alert">
          {patch.error.message}
        </p>
      ) : null}
    </header>
  );
}
