/**
 * The daily review of one cluster: overdue banner, items since the last sign-off grouped by
 * kind with one-click dispositions, sign-off, suppressions and history.
 */
import '../findings/findings.css';
import './review.css';

import type { CurrentItemView, CurrentReviewResponse } from '@api/review-schema.js';

import { useMe } from '../../api/auth';
import { useCurrentReview } from '../../api/reviews';
import { fmtTime } from '../../components/format';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';
import { splitList, useParam } from '../../state/url-state';
import { ReviewItemRow } from './review-item-row';
import { History, SignOffBox, Suppressions } from './review-side';

const GROUPS: { kind: CurrentItemView['kind']; title: string; subtitle: string }[] = [
  {
    kind: 'finding',
    title: 'Findings',
    subtitle: 'New and ongoing findings since the last sign-off.',
  },
  {
    kind: 'coverage',
    title: 'Coverage changes',
    subtitle: 'Workloads and namespaces that lost isolation since the last sign-off.',
  },
  {
    kind: 'gap',
    title: 'Evidence gaps',
    subtitle: 'Silent sources, lost events and holes in ingest: what the review cannot see.',
  },
];

function Banner({ r }: { r: CurrentReviewResponse }): React.JSX.Element {
  if (r.due.overdue)
    return (
      <div className="review-banner overdue" role="alert" data-testid="overdue-banner">
        {r.due.lastSignedOffAt === null
          ? `No review of ${r.cluster} has been signed off yet: the review is overdue.`
          : `The review of ${r.cluster} is overdue: last signed off ${fmtTime(r.due.lastSignedOffAt)}, due ${fmtTime(r.due.dueAt ?? 0)}.`}
      </div>
    );
  return (
    <div className="review-banner due" data-testid="due-banner">
      Last signed off {fmtTime(r.due.lastSignedOffAt ?? 0)} by {r.lastSignedOff?.signedOffBy}; next
      review due {fmtTime(r.due.dueAt ?? 0)}.
    </div>
  );
}

function Review({
  r,
  canWrite,
  setCluster,
}: {
  r: CurrentReviewResponse;
  canWrite: boolean;
  setCluster: (c: string | null) => void;
}): React.JSX.Element {
  return (
    <>
      <div className="review-top">
        <label>
          Cluster{' '}
          <select
            value={r.cluster}
            onChange={(e) => setCluster(e.target.value)}
            aria-label="Cluster"
          >
            {(r.clusters.includes(r.cluster) ? r.clusters : [r.cluster, ...r.clusters]).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          Scope: {r.scope ? r.scope.join(', ') : 'all namespaces'} · period since{' '}
          {fmtTime(r.periodStart)}
        </span>
      </div>
      <Banner r={r} />
      {r.notes.map((n) => (
        <p key={n} className="muted small">
          {n}
        </p>
      ))}
      {GROUPS.map((g) => {
        const items = r.items.filter((i) => i.kind === g.kind);
        return (
          <Panel
            key={g.kind}
            title={`${g.title} (${items.length})`}
            subtitle={g.subtitle}
            testId={`review-${g.kind}`}
          >
            {items.length === 0 ? (
              <p className="muted">Nothing.</p>
            ) : (
              <ul className="review-items">
                {items.map((i) => (
                  <ReviewItemRow
                    key={i.key}
                    item={i}
                    cluster={r.cluster}
                    reviewId={r.reviewId}
                    now={r.now}
                    maxDays={r.suppressionMaxDays}
                    canWrite={canWrite}
                  />
                ))}
              </ul>
            )}
          </Panel>
        );
      })}
      <SignOffBox review={r} canWrite={canWrite} />
      <Suppressions cluster={r.cluster} canWrite={canWrite} />
      <History cluster={r.cluster} />
    </>
  );
}

export function Page(): React.JSX.Element {
  // The shared cluster variable may name several clusters; a review is of one.
  const [clusterParam, setCluster] = useParam('cluster');
  const cluster = splitList(clusterParam)[0] ?? null;
  const me = useMe();
  const role = me.data?.user.role;
  const canWrite = role === 'admin' || role === 'security';
  const q = useCurrentReview(cluster);
  return (
    <div className="page">
      <h1>Daily review</h1>
      <QueryState query={q}>
        {(r) => <Review r={r} canWrite={canWrite} setCluster={setCluster} />}
      </QueryState>
    </div>
  );
}
