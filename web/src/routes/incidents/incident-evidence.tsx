import type { IncidentDetailResponse } from '@api/incident-schema.js';
import { Link } from 'react-router';

import { fmtTime } from '../../components/format';

type FlowRef = Extract<IncidentDetailResponse['links'][number]['link'], { kind: 'flow' }>['flow'];

const side = (e: FlowRef['src']): string =>
  e.namespace && (e.workload || e.pod)
    ? `${e.namespace}/${e.workload ?? e.pod}`
    : (e.ip ?? e.namespace ?? '?');

export function Evidence({ d }: { d: IncidentDetailResponse }): React.JSX.Element {
  const flows = d.links.flatMap((l) => (l.link.kind === 'flow' ? [l.link.flow] : []));
  const reviews = d.links.flatMap((l) => (l.link.kind === 'review' ? [l.link] : []));
  return (
    <div>
      <h3>Findings</h3>
      {d.findings.length === 0 ? <p className="muted">None linked.</p> : null}
      <ul>
        {d.findings.map((f) => (
          <li key={f.id} data-testid="linked-finding">
            <Link to={`/findings/${encodeURIComponent(f.id)}`}>
              {f.type} ({f.severity}, {f.status})
            </Link>{' '}
            <span className="muted small">
              {fmtTime(f.start)} – {fmtTime(f.end)}
            </span>
            <div className="small">{f.explanation}</div>
          </li>
        ))}
      </ul>
      <h3>Flows</h3>
      {flows.length === 0 ? <p className="muted">None linked.</p> : null}
      <ul>
        {flows.map((f, n) => (
          <li key={n} data-testid="linked-flow">
            {side(f.src)} → {side(f.dst)} {f.port ?? ''}/{f.protocol}{' '}
            <span className="badge">{f.verdict}</span>{' '}
            <span className="muted small">{fmtTime(f.time)}</span>
          </li>
        ))}
      </ul>
      {reviews.length ? (
        <>
          <h3>Review items</h3>
          <ul>
            {reviews.map((r) => (
              <li key={`${r.reviewId}|${r.itemKey ?? ''}`}>
                review {r.reviewId}
                {r.itemKey ? `, item ${r.itemKey}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
