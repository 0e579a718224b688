import { useState } from 'react';

import { useNotify, useNotifyPreview } from '../../api/incidents';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';

/** Notify developers: preview the message, send it through the webhooks, or copy it. */
export function NotifyPanel({ id }: { id: string }): React.JSX.Element {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [copied, setCopied] = useState(false);
  const preview = useNotifyPreview(id, open);
  const notify = useNotify(id);
  return (
    <Panel
      title="Notify developers"
      subtitle="Evidence, the policy engine's explanation and the suggested NetworkPolicy fix with its blast radius."
      testId="notify-panel"
      actions={
        <button
          type="button"
          onClick={() => setOpen(true)}
          disabled={open}
          data-testid="notify-preview"
        >
          Preview message
        </button>
      }
    >
      {open ? (
        <QueryState query={preview}>
          {(p) => (
            <div>
              <p className="small">
                Targets:{' '}
                {p.targets.length
                  ? p.targets.map((t) => `${t.name} (${t.format}, ${t.host})`).join('; ')
                  : 'none configured: copy the message instead'}
              </p>
              <pre
                className="note"
                data-testid="notify-markdown"
                style={{ whiteSpace: 'pre-wrap', maxHeight: 360, overflow: 'auto' }}
              >
                {p.markdown}
              </pre>
              <label>
                Note to add{' '}
                <input
                  value={note}
                  onChange={(e) => setNote(e.target.value)}
                  data-testid="notify-note"
                />
              </label>{' '}
              <button
                type="button"
                disabled={notify.isPending || p.targets.length === 0}
                onClick={() =>
                  notify.mutate({ ...(note.trim() ? { note: note.trim() } : {}), send: true })
                }
                data-testid="notify-send"
              >
                Send
              </button>{' '}
              <button
                type="button"
                onClick={() => {
                  void navigator.clipboard?.writeText(p.markdown).catch(() => undefined);
                  setCopied(true);
                  notify.mutate({ ...(note.trim() ? { note: note.trim() } : {}), send: false });
                }}
                data-testid="notify-copy"
              >
                Copy
              </button>
              {copied ? (
                <span className="muted small"> Copied; recorded on the timeline.</span>
              ) : null}
              {notify.data && notify.data.sent.length ? (
                <ul data-testid="notify-result">
                  {notify.data.sent.map((s) => (
                    <li key={s.name} className={s.ok ? undefined : 'danger-text'}>
                      {s.name}: {s.ok ? 'sent' : s.error}
                    </li>
                  ))}
                </ul>
              ) : null}
              {notify.error ? <p className="danger-text">{notify.error.message}</p> : null}
            </div>
          )}
        </QueryState>
      ) : null}
    </Panel>
  );
}
