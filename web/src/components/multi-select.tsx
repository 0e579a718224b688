import { useEffect, useId, useRef, useState } from 'react';

/** A multi-select with "All" (= no filter). Options are plain text from the server. */
export function MultiSelect({
  label,
  options,
  value,
  onChange,
}: {
  label: string;
  options: readonly string[];
  value: readonly string[];
  onChange: (v: string[]) => void;
}): React.JSX.Element {
  const [open, setOpen] = useState(false);
  const [filter, setFilter] = useState('');
  const id = useId();
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return undefined;
    const onDoc = (e: MouseEvent): void => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDoc);
    return () => document.removeEventListener('mousedown', onDoc);
  }, [open]);
  const shown = options.filter((o) => o.toLowerCase().includes(filter.toLowerCase()));
  const summary =
    value.length === 0 ? 'All' : value.length === 1 ? value[0] : `${value.length} selected`;
  const toggle = (o: string): void =>
    onChange(value.includes(o) ? value.filter((v) => v !== o) : [...value, o]);
  return (
    <div className="multi" ref={box} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <button
        type="button"
        className="multi-btn"
        aria-haspopup="listbox"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="multi-label">{label}</span> <span className="multi-value">{summary}</span>{' '}
        ▾
      </button>
      {open ? (
        <div className="multi-pop" id={id}>
          <input
            type="search"
            placeholder={`Filter ${label.toLowerCase()}`}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            aria-label={`Filter ${label}`}
            autoFocus
          />
          <ul role="listbox" aria-multiselectable="true" aria-label={label}>
            <li>
              <label>
                <input type="checkbox" checked={value.length === 0} onChange={() => onChange([])} />{' '}
                All
              </label>
            </li>
            {shown.map((o) => (
              <li key={o}>
                <label>
                  <input type="checkbox" checked={value.includes(o)} onChange={() => toggle(o)} />{' '}
                  {o}
                </label>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
