import type { IncidentDetailResponse } from '@api/incident-schema.js';
import { useState } from 'react';

import { useComment } from '../../api/incidents';
import { fmtTime } from '../../components/format';

export function Timeline({ d }: { d: IncidentDetailResponse }): React.JSX.Element {
  const comment = useComment(d.incident.id);
  const [text, setText] = useState('');
  return (
    <div>
      <ol className="timeline">
        {d.timeline.map((e) => (
          <li key={e.id} data-testid="timeline-entry" data-kind={e.kind}>
            <span className="muted small nowrap">{fmtTime(e.time)}</span>{' '}
            <span className="badge">{e.kind}</span> <strong>{e.actor}</strong>:{' '}
            <span style={{ whiteSpace: 'pre-wrap' }}>{e.text}</span>
          </li>
        ))}
      </ol>
      <form
        onSubmit={(ev) => {
          ev.preventDefault();
          if (!text.trim()) return;
          comment.mutate({ text: text.trim() }, { onSuccess: () => setText('') });
        }}
      >
        <textarea
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={2}
          aria-label="Comment"
          data-testid="comment-text"
        />
        <button type="submit" disabled={comment.isPending}>
          Add comment
        </button>
        {comment.error ? <span className="danger-text"> {comment.error.message}</span> : null}
      </form>
    </div>
  );
}
