/**
 * Compliance: every control of the catalogue (GDPR, HSLF-FS 2016:40, ISO/IEC 27001) with its
 * status and gaps, and the live evidence behind them, for a period (default the last 365 days).
 */
import './compliance.css';

import { useState } from 'react';

import { useCompliance } from '../../api/compliance';
import { Panel } from '../../components/panel';
import { QueryState } from '../../components/states';
import { EvidenceCard, StatusChip } from './evidence-card';

const DAY = 86_400_000;

function dayInput(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

export function Page(): React.JSX.Element {
  const [now] = useState(() => Math.floor(Date.now() / DAY) * DAY + DAY);
  const [from, setFrom] = useState(now - 365 * DAY);
  const [to, setTo] = useState(now);
  const [cluster, setCluster] = useState('');
  const q = useCompliance({ from, to, ...(cluster ? { cluster } : {}) });
  const parse = (v: string): number | null => {
    const t = Date.parse(`${v}T00:00:00Z`);
    return Number.isNaN(t) ? null : t;
  };
  return (
    <>
      <Panel
        title="Compliance"
        subtitle="Controls and the live evidence that supports them. Gaps are shown as gaps, with the reason."
        busy={q.isFetching}
        testId="compliance-controls"
      >
        <form
          className="compliance-form"
          aria-label="Compliance period"
          onSubmit={(e) => e.preventDefault()}
        >
          <label>
            From
            <input
              type="date"
              name="from"
              value={dayInput(from)}
              onChange={(e) => {
                const t = parse(e.target.value);
                if (t !== null && t < to) setFrom(t);
              }}
            />
          </label>
          <label>
            To (exclusive)
            <input
              type="date"
              name="to"
              value={dayInput(to)}
              onChange={(e) => {
                const t = parse(e.target.value);
                if (t !== null && t > from) setTo(t);
              }}
            />
          </label>
          <label>
            Cluster
            <input
              name="cluster"
              value={cluster}
              placeholder="all"
              onChange={(e) => setCluster(e.target.value.trim())}
            />
          </label>
        </form>
        <QueryState query={q}>
          {(data) => (
            <>
              {data.namespaces ? (
                <p className="muted">Limited to your namespaces: {data.namespaces.join(', ')}.</p>
              ) : null}
              <table className="compliance-controls" aria-label="Controls">
                <thead>
                  <tr>
                    <th>Framework</th>
                    <th>Clause</th>
                    <th>Control</th>
                    <th>Status</th>
                    <th>Gaps</th>
                  </tr>
                </thead>
                <tbody>
                  {data.controls.map((c) => (
                    <tr key={c.id} data-testid={`control-${c.id}`}>
                      <td>{c.framework}</td>
                      <td>{c.clause}</td>
                      <td title={c.requirement}>{c.title}</td>
                      <td>
                        <StatusChip status={c.status} />
                      </td>
                      <td>
                        {c.gaps.length ? (
                          <ul className="evidence-gap">
                            {c.gaps.map((g) => (
                              <li key={g}>{g}</li>
                            ))}
                          </ul>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </QueryState>
      </Panel>
      <Panel
        title="Evidence"
        subtitle="What each figure is computed from, for the chosen period."
        testId="compliance-evidence"
      >
        <QueryState query={q}>
          {(data) => (
            <div className="evidence-grid">
              {data.evidence.map((e) => (
                <EvidenceCard key={e.kind} item={e} />
              ))}
            </div>
          )}
        </QueryState>
      </Panel>
    </>
  );
}
