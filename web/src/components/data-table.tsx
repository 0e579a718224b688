/**
 * Tables are built from column configs and always virtualised, so 100,000 rows scroll as
 * smoothly as 10. Keyboard: arrow keys move the active row, Home/End jump, Enter opens it.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';

export interface Column<T> {
  id: string;
  header: string;
  /** CSS grid track, e.g. `120px` or `2fr`. */
  width: string;
  cell: (row: T) => ReactNode;
  /** Sort value; columns without one are not sortable. */
  sortValue?: (row: T) => number | string;
  align?: 'left' | 'right';
  /** Hover text; plain text only. */
  title?: (row: T) => string;
}

export interface DataTableProps<T> {
  columns: readonly Column<T>[];
  rows: readonly T[];
  rowKey: (row: T) => string;
  label: string;
  onOpen?: (row: T) => void;
  selectedKey?: string | null;
  /** Height of the scrolling body in px. */
  height?: number;
  rowHeight?: number;
  rowClass?: (row: T) => string | undefined;
  onEndReached?: () => void;
  initialSort?: { id: string; desc: boolean };
}

export function DataTable<T>(props: DataTableProps<T>): React.JSX.Element {
  const { columns, rows, rowKey, label, onOpen, selectedKey, rowHeight = 34 } = props;
  const [sort, setSort] = useState<{ id: string; desc: boolean } | null>(props.initialSort ?? null);
  const sorted = useMemo(() => {
    const col = sort ? columns.find((c) => c.id === sort.id) : undefined;
    if (!col?.sortValue || !sort) return rows;
    const get = col.sortValue;
    const dir = sort.desc ? -1 : 1;
    return [...rows].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
  }, [rows, columns, sort]);
  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: sorted.length,
    getScrollElement: () => parent.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });
  const [active, setActive] = useState(0);
  const template = columns.map((c) => c.width).join(' ');
  const items = virtual.getVirtualItems();
  const last = items[items.length - 1];
  const { onEndReached } = props;
  useEffect(() => {
    if (onEndReached && last && last.index >= sorted.length - 20) onEndReached();
  }, [last, sorted.length, onEndReached]);
  const height = Math.min(
    props.height ?? 480,
    Math.max(rowHeight * 3, sorted.length * rowHeight + 4),
  );

  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const move = (i: number): void => {
      const next = Math.max(0, Math.min(sorted.length - 1, i));
      setActive(next);
      virtual.scrollToIndex(next, { align: 'auto' });
      e.preventDefault();
    };
    if (e.key === 'ArrowDown') move(active + 1);
    else if (e.key === 'ArrowUp') move(active - 1);
    else if (e.key === 'PageDown') move(active + 10);
    else if (e.key === 'PageUp') move(active - 10);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(sorted.length - 1);
    else if (e.key === 'Enter' && onOpen && sorted[active]) {
      onOpen(sorted[active]);
      e.preventDefault();
    }
  };

  return (
    <div className="table" role="table" aria-label={label} aria-rowcount={sorted.length + 1}>
      <div className="tr th" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => {
          const sorting = sort?.id === c.id;
          return (
            <div
              key={c.id}
              role="columnheader"
              className={c.align === 'right' ? 'num' : undefined}
              aria-sort={sorting ? (sort.desc ? 'descending' : 'ascending') : undefined}
            >
              {c.sortValue ? (
                <button
                  type="button"
                  className="sort"
                  onClick={() => setSort({ id: c.id, desc: sorting ? !sort.desc : true })}
                >
                  {c.header}
                  <span aria-hidden="true">{sorting ? (sort.desc ? ' ▾' : ' ▴') : ''}</span>
                </button>
              ) : (
                c.header
              )}
            </div>
          );
        })}
      </div>
      <div
        ref={parent}
        className="tbody"
        style={{ height }}
        tabIndex={0}
        onKeyDown={onKey}
        role="rowgroup"
        aria-label={`${label} rows: arrow keys move, Enter opens`}
      >
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {items.map((vi) => {
            const row = sorted[vi.index] as T;
            const key = rowKey(row);
            const cls = [
              'tr',
              vi.index === active ? 'active' : '',
              key === selectedKey ? 'selected' : '',
              props.rowClass?.(row) ?? '',
              onOpen ? 'clickable' : '',
            ].join(' ');
            return (
              <div
                key={key}
                role="row"
                aria-rowindex={vi.index + 2}
                aria-selected={key === selectedKey}
                className={cls}
                style={{
                  gridTemplateColumns: template,
                  transform: `translateY(${vi.start}px)`,
                  height: rowHeight,
                }}
                onClick={() => {
                  setActive(vi.index);
                  onOpen?.(row);
                }}
              >
                {columns.map((c) => (
                  <div
                    key={c.id}
                    role="cell"
                    className={c.align === 'right' ? 'num' : undefined}
                    title={c.title?.(row)}
                  >
                    {c.cell(row)}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
