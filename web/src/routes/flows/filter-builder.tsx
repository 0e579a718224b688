import { useState } from 'react';
import { useSearchParams } from 'react-router';

import { splitList, usePatchParams } from '../../state/url-state';
import { LIST_FIELDS, type ListField, REASONS, TEXT_FIELDS } from './flow-query';

const LABELS: Record<string, string> = {
  workload: 'Workload',
  pod: 'Pod',
  ip: 'IP or CIDR',
  port: 'Port',
  policy: 'Policy (ns/name)',
  protocol: 'Protocol',
  verdict: 'Verdict',
  direction: 'Direction',
  source: 'Source format',
  reason: 'Reason',
};

const OPTIONS: Record<ListField, readonly string[]> = { ...LIST_FIELDS, reason: REASONS };

/** Every FlowFilter field; cluster, namespace and time come from the top bar. Apply writes the URL. */
export function FilterBuilder(): React.JSX.Element {
  const [sp] = useSearchParams();
  const patch = usePatchParams();
  const [text, setText] = useState<Record<string, string>>(() =>
    Object.fromEntries(TEXT_FIELDS.map((f) => [f, sp.get(f) ?? ''])),
  );
  const [lists, setLists] = useState<Record<string, string[]>>(() =>
    Object.fromEntries(Object.keys(OPTIONS).map((f) => [f, splitList(sp.get(f))])),
  );
  const apply = (): void => {
    const p: Record<string, string | null> = { flow: null };
    for (const f of TEXT_FIELDS) p[f] = text[f]?.trim() || null;
    for (const f of Object.keys(OPTIONS)) p[f] = lists[f]?.join(',') || null;
    patch(p);
  };
  const clear = (): void => {
    setText(Object.fromEntries(TEXT_FIELDS.map((f) => [f, ''])));
    setLists(Object.fromEntries(Object.keys(OPTIONS).map((f) => [f, []])));
    patch(
      Object.fromEntries([...TEXT_FIELDS, ...Object.keys(OPTIONS), 'flow'].map((f) => [f, null])),
    );
  };
  return (
    <form
      className="filters"
      aria-label="Flow filters"
      onSubmit={(e) => {
        e.preventDefault();
        apply();
      }}
    >
      <div className="filter-text">
        {TEXT_FIELDS.map((f) => (
          <label key={f}>
            {LABELS[f]}
            <input
              name={f}
              value={text[f] ?? ''}
              inputMode={f === 'port' ? 'numeric' : undefined}
              onChange={(e) => setText({ ...text, [f]: e.target.value })}
            />
          </label>
        ))}
      </div>
      <div className="filter-lists">
        {(Object.keys(OPTIONS) as ListField[]).map((f) => (
          <fieldset key={f}>
            <legend>{LABELS[f]}</legend>
            {OPTIONS[f].map((o) => (
              <label key={o} className="chip">
                <input
                  type="checkbox"
                  name={`${f}-${o}`}
                  checked={lists[f]?.includes(o) ?? false}
                  onChange={(e) => {
                    const cur = lists[f] ?? [];
                    setLists({
                      ...lists,
                      [f]: e.target.checked ? [...cur, o] : cur.filter((x) => x !== o),
                    });
                  }}
                />
                {o}
              </label>
            ))}
          </fieldset>
        ))}
      </div>
      <div className="filter-actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button type="button" onClick={clear}>
          Clear
        </button>
      </div>
    </form>
  );
}
