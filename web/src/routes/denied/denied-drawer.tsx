import type { DeniedDetailResponse, FlowRow } from '@api/dashboard-schema.js';
import { useState } from 'react';

import { useDeniedDetail } from '../../api/denied';
import type { Scope } from '../../api/scope';
import { type Column, DataTable } from '../../components/data-table';
import { Drawer } from '../../components/drawer';
import { fmtCompactTime, fmtCount, fmtTime, peerText } from '../../components/format';
import { QueryState } from '../../components/states';
import { shareableUrl } from '../../state/url-state';

const EVENT_COLUMNS: Column<FlowRow>[] = [
  {
    id: 'time',
    header: 'Time',
    width: '116px',
    cell: (f) => fmtCompactTime(f.time),
    title: (f) => fmtTime(f.time),
  },
  {
    id: 'src',
    header: 'Source pod',
    width: '1fr',
    cell: (f) => f.src.pod ?? f.src.ip ?? '—',
    title: (f) => f.src.pod ?? '',
  },
  {
    id: 'dst',
    header: 'Destination pod',
    width: '1fr',
    cell: (f) => f.dst.pod ?? f.dst.ip ?? f.dst.externalGroup ?? '—',
    title: (f) => f.dst.pod ?? '',
  },
  { id: 'drop', header: 'Drop reason', width: '120px', cell: (f) => f.dropReason ?? f.reason },
  { id: 'src-format', header: 'Reported by', width: '92px', cell: (f) => f.source },
  { id: 'n', header: 'Flows', width: '60px', align: 'right', cell: (f) => fmtCount(f.flows) },
];

function CopyButton({
  text,
  label,
  testId,
}: {
  text: string;
  label: string;
  testId?: string;
}): React.JSX.Element {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      data-testid={testId}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(
          () => setDone(true),
          () => setDone(false),
        );
        setDone(true);
        window.setTimeout(() => setDone(false), 1500);
      }}
    >
      {done ? 'Copied' : label}
    </button>
  );
}

function Body({ d, scope }: { d: DeniedDetailResponse; scope: Scope }): React.JSX.Element {
  const k = d.key;
  return (
    <>
      <p className="conn-title">
        <span>{peerText(k.src)}</span> → <span>{peerText(k.dst)}</span> : {k.port ?? '-'}/
        {k.protocol}
      </p>
      <p className="muted">
        {k.direction} · {k.reason}
        {k.policy ? ` · ${k.policy}` : ''} · cluster {k.cluster}
      </p>
      <div className="row-actions">
        <CopyButton text={shareableUrl(scope)} label="Copy shareable URL" testId="copy-url" />
      </div>
      <h3>Why it was denied</h3>
      {d.explanation ? (
        <div className="explain" data-testid="explanation">
          <p>
            <strong>{d.explanation.summary}</strong>
          </p>
          <ol>
            {d.explanation.steps.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
        </div>
      ) : (
        <p className="muted">{d.explanationNote}</p>
      )}
      <h3>Suggested fix</h3>
      {d.fix ? (
        <div data-testid="fix">
          <pre className="yaml">{d.fix.yaml}</pre>
          <CopyButton text={d.fix.yaml} label="Copy YAML" />
          {d.fix.blastRadius.length ? (
            <>
              <h4>Blast radius</h4>
              <ul>
                {d.fix.blastRadius.map((b, i) => (
                  <li key={i}>{b}</li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : (
        <p className="muted">{d.fixNote}</p>
      )}
      <h3>
        Raw events ({d.events.length}
        {d.events.length >= 200 ? ', newest 200' : ''})
      </h3>
      {d.events.length === 0 ? (
        <p className="muted">No raw events kept for this window (raw events are kept 7 days).</p>
      ) : (
        <DataTable
          columns={EVENT_COLUMNS}
          rows={d.events}
          rowKey={(f) => f.id}
          label="Raw events"
          height={300}
        />
      )}
    </>
  );
}

export function DeniedDrawer({
  scope,
  group,
  onClose,
}: {
  scope: Scope;
  group: string;
  onClose: () => void;
}): React.JSX.Element {
  const q = useDeniedDetail(scope, group);
  return (
    <Drawer title="Denied connection" onClose={onClose}>
      <QueryState query={q}>{(d) => <Body d={d} scope={scope} />}</QueryState>
    </Drawer>
  );
}
