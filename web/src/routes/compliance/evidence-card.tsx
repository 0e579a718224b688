/** One evidence item: status, summary, the reason when not met, its figures and tables. */
import type { EvidenceItem, EvidenceTable } from '@api/compliance-schema.js';

export function StatusChip({ status }: { status: string }): React.JSX.Element {
  return <span className={`status-chip status-${status}`}>{status}</span>;
}

export function FigureTable({ table }: { table: EvidenceTable }): React.JSX.Element {
  return (
    <details>
      <summary>
        {table.title} ({table.rows.length})
      </summary>
      <table className="evidence-table">
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.slice(0, 200).map((r, i) => (
            <tr key={i}>
              {r.map((v, j) => (
                <td key={j}>{v === null ? '—' : String(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

export function EvidenceCard({ item }: { item: EvidenceItem }): React.JSX.Element {
  return (
    <article className="evidence-card" data-testid={`evidence-${item.kind}`}>
      <h3>
        <StatusChip status={item.status} /> {item.title}
      </h3>
      <p>{item.summary}</p>
      {item.reason ? <p className="evidence-gap">Gap: {item.reason}</p> : null}
      {item.figures.length ? (
        <dl>
          {item.figures.map((f) => (
            <div key={f.label} style={{ display: 'contents' }}>
              <dt>{f.label}</dt>
              <dd>{f.value === null ? '—' : String(f.value)}</dd>
            </div>
          ))}
        </dl>
      ) : null}
      {item.tables.map((t) => (
        <FigureTable key={t.id} table={t} />
      ))}
    </article>
  );
}
