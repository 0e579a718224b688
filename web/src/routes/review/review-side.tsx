/** The sign-off box, the suppressions in force and the review history. */
import type { CurrentReviewResponse } from '@api/review-schema.js';
import { useState } from 'react';

import {
  useReviewHistory,
  useRevokeSuppression,
  useSignOff,
  useSuppressions,
} from '../../api/reviews';
import { fmtTime } from '../../components/format';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';

export function SignOffBox({
  review,
  canWrite,
}: {
  review: CurrentReviewResponse;
  canWrite: boolean;
}): React.JSX.Element {
  const [note, setNote] = useState('');
  const [ack, setAck] = useState(false);
  const signOff = useSignOff();
  const left = review.items.filter((i) => !i.disposition && !i.suppression);
  return (
    <Panel
      title="Sign-off"
      subtitle={`Period since ${fmtTime(review.periodStart)}.`}
      testId="signoff-box"
      className="signoff-box"
    >
      {!canWrite ? (
        <p className="muted">Signing off needs the admin or security role.</p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            signOff.mutate(
              { cluster: review.cluster, note, ...(ack ? { acknowledgeOpen: true } : {}) },
              {
                onSuccess: () => {
                  setNote('');
                  setAck(false);
                },
              },
            );
          }}
        >
          <p data-testid="items-left">
            {left.length === 0
              ? 'Every item has a disposition.'
              : `${left.length} of ${review.items.length} items have no disposition yet.`}
          </p>
          <textarea
            value={note}
            onChange={(e) => setNote(e.target.value)}
            aria-label="Sign-off note"
            placeholder="What you concluded"
            required
          />
          {left.length > 0 ? (
            <label>
              <input type="checkbox" checked={ack} onChange={(e) => setAck(e.target.checked)} />{' '}
              Sign off anyway; the review records the {left.length} undecided items
            </label>
          ) : null}
          <div>
            <button type="submit" disabled={signOff.isPending || (left.length > 0 && !ack)}>
              Sign off review
            </button>
          </div>
          {signOff.error ? (
            <p className="state-error" role="alert">
              {signOff.error.message}
            </p>
          ) : null}
          {signOff.isSuccess ? (
            <p className="chain-ok" data-testid="signed-off">
              Signed off.
            </p>
          ) : null}
        </form>
      )}
    </Panel>
  );
}

export function Suppressions({
  cluster,
  canWrite,
}: {
  cluster: string;
  canWrite: boolean;
}): React.JSX.Element {
  const q = useSuppressions(cluster);
  const revoke = useRevokeSuppression();
  return (
    <Panel
      title="Suppressions"
      subtitle="Created by “expected”; each expires. Revoke one to see its findings again."
      testId="suppressions"
    >
      <QueryState query={q} isEmpty={(d) => d.suppressions.length === 0} empty="No suppressions.">
        {(d) => (
          <ul>
            {d.suppressions.map((s) => (
              <li key={s.id}>
                <strong>
                  {[s.findingType, s.namespace, s.workload].filter(Boolean).join(' · ') || s.key}
                </strong>
                : {s.reason} (owner {s.owner}, by {s.createdBy}){' '}
                {s.revokedAt
                  ? `revoked ${fmtTime(s.revokedAt)}`
                  : s.active
                    ? `until ${fmtTime(s.expiresAt)}`
                    : `expired ${fmtTime(s.expiresAt)}`}
                {canWrite && s.active ? (
                  <button type="button" className="link" onClick={() => revoke.mutate(s.id)}>
                    Revoke
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Panel>
  );
}

export function History({ cluster }: { cluster: string }): React.JSX.Element {
  const q = useReviewHistory(cluster);
  return (
    <Panel title="History" subtitle="Signed-off reviews of this cluster." testId="review-history">
      <QueryState
        query={q}
        isEmpty={(d) => d.reviews.filter((r) => r.status === 'signed-off').length === 0}
        empty="No review signed off yet."
      >
        {(d) => (
          <ul>
            {d.reviews
              .filter((r) => r.status === 'signed-off')
              .map((r) => (
                <li key={r.id} data-testid="history-entry">
                  {fmtTime(r.signedOffAt ?? 0)} by {r.signedOffBy}: {r.itemCount} items (expected{' '}
                  {r.counts.expected}, misconfiguration {r.counts.misconfiguration}, suspicious{' '}
                  {r.counts.suspicious}, false positive {r.counts['false-positive']}, undecided{' '}
                  {r.counts.none}). “{r.note}”
                </li>
              ))}
          </ul>
        )}
      </QueryState>
    </Panel>
  );
}
