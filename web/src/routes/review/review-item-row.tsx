/**
 * One review item with one-click dispositions: expected (reason, owner, expiry → an expiring
 * suppression), misconfiguration (then "notify owners" opens an incident), suspicious (opens
 * an incident and records its id), false positive (reason).
 */
import type { CurrentItemView, DispositionBody } from '@api/review-schema.js';
import { useState } from 'react';
import { Link } from 'react-router';

import { incidentSeverity, useCreateIncident, useDispose } from '../../api/reviews';
import { fmtTime } from '../../components/format';
import { SeverityBadge, SuppressedMark } from '../findings/finding-parts';

const DAY = 86_400_000;
type Mode = null | 'expected' | 'false-positive' | 'misconfiguration' | 'suspicious';

function dateInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function ReviewItemRow({
  item,
  cluster,
  reviewId,
  now,
  maxDays,
  canWrite,
}: {
  item: CurrentItemView;
  cluster: string;
  reviewId: string | null;
  now: number;
  maxDays: number;
  canWrite: boolean;
}): React.JSX.Element {
  const [mode, setMode] = useState<Mode>(null);
  const [reason, setReason] = useState('');
  const [owner, setOwner] = useState('');
  const [expiry, setExpiry] = useState(dateInput(now + Math.min(30, maxDays) * DAY));
  const dispose = useDispose();
  const incident = useCreateIncident();
  const d = item.disposition;
  const send = (body: Omit<DispositionBody, 'cluster'>): void =>
    dispose.mutate(
      { key: item.key, body: { cluster, ...body } },
      { onSuccess: () => setMode(null) },
    );
  const openIncident = (kind: 'attack' | 'misconfiguration', then: (id: string) => void): void =>
    incident.mutate(
      {
        title: item.title,
        severity: incidentSeverity(item.severity),
        kind,
        cluster,
        ...(item.findingId ? { findingIds: [item.findingId] } : {}),
        // Before the first disposition no review exists yet: the item then records the
        // incident id when the disposition opens the review.
        ...(reviewId ? { reviewId, reviewItemKey: item.key } : {}),
        ...(reason ? { note: reason } : {}),
      },
      { onSuccess: (r) => then(r.id) },
    );
  // Midnight UTC of the chosen day: the latest day offered stays within the maximum.
  const expiresAt = Date.parse(`${expiry}T00:00:00Z`);
  return (
    <li className="review-item" data-testid="review-item" data-key={item.key}>
      <div className="review-item-head">
        <SeverityBadge severity={item.severity} />
        <span className="review-item-title">
          {item.findingId ? (
            <Link to={`/findings/${encodeURIComponent(item.findingId)}`}>{item.title}</Link>
          ) : (
            item.title
          )}
        </span>
        {item.state ? <span className="badge">{item.state}</span> : null}
        {d ? (
          <span className="disposition-tag" data-testid="disposition">
            {d.disposition} by {d.actor}
            {d.reason ? `: ${d.reason}` : ''}
          </span>
        ) : null}
        {d?.incidentId ? (
          <Link to={`/incidents/${encodeURIComponent(d.incidentId)}`}>incident</Link>
        ) : null}
        <SuppressedMark suppression={item.suppression} />
      </div>
      <div className="review-item-detail">
        {item.detail}{' '}
        <span className="muted">
          ({fmtTime(item.start)} – {fmtTime(item.end)})
        </span>
      </div>
      {canWrite ? (
        <div className="review-buttons">
          {(['expected', 'misconfiguration', 'suspicious', 'false-positive'] as const).map((m) => (
            <button
              key={m}
              type="button"
              className={mode === m ? 'active' : ''}
              onClick={() => setMode(mode === m ? null : m)}
            >
              {m === 'false-positive' ? 'False positive' : m[0]!.toUpperCase() + m.slice(1)}
            </button>
          ))}
          {d?.disposition === 'misconfiguration' && !d.incidentId ? (
            <button
              type="button"
              onClick={() =>
                openIncident('misconfiguration', (id) =>
                  send({ disposition: 'misconfiguration', reason: d.reason, incidentId: id }),
                )
              }
            >
              Notify owners
            </button>
          ) : null}
        </div>
      ) : null}
      {mode ? (
        <form
          className="review-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (mode === 'expected') send({ disposition: 'expected', reason, owner, expiresAt });
            else if (mode === 'suspicious')
              openIncident('attack', (id) =>
                send({ disposition: 'suspicious', reason, incidentId: id }),
              );
            else send({ disposition: mode, reason });
          }}
        >
          <label>
            Reason{mode === 'expected' || mode === 'false-positive' ? ' (required)' : ''}
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-label="Reason"
              required={mode === 'expected' || mode === 'false-positive'}
            />
          </label>
          {mode === 'expected' ? (
            <>
              <label>
                Owner
                <input
                  value={owner}
                  onChange={(e) => setOwner(e.target.value)}
                  aria-label="Owner"
                  required
                />
              </label>
              <label>
                Suppress until (at most {maxDays} days)
                <input
                  type="date"
                  value={expiry}
                  min={dateInput(now + DAY)}
                  max={dateInput(now + maxDays * DAY)}
                  onChange={(e) => setExpiry(e.target.value)}
                  aria-label="Expiry"
                  required
                />
              </label>
            </>
          ) : null}
          <button type="submit" disabled={dispose.isPending || incident.isPending}>
            {mode === 'suspicious' ? 'Open incident and mark suspicious' : `Mark ${mode}`}
          </button>
          {mode === 'suspicious' && incident.error ? (
            <button type="button" onClick={() => send({ disposition: 'suspicious', reason })}>
              Mark suspicious without an incident
            </button>
          ) : null}
        </form>
      ) : null}
      {incident.error ? (
        <p className="state-error" role="alert" data-testid="incident-error">
          Could not open an incident: {incident.error.message}
        </p>
      ) : null}
      {dispose.error ? (
        <p className="state-error" role="alert">
          {dispose.error.message}
        </p>
      ) : null}
    </li>
  );
}
