import type { FlowRow } from '@api/dashboard-schema.js';

import { Drawer } from '../../components/drawer';
import { fmtTime, NOT_REPORTED } from '../../components/format';
import { endpointText } from './flow-columns';

function EndpointBlock({ title, e }: { title: string; e: FlowRow['src'] }): React.JSX.Element {
  return (
    <section>
      <h3>{title}</h3>
      <dl className="kv">
        <dt>Kind</dt>
        <dd>
          {e.kind}
          {e.aggregated ? ' (aggregated by the source)' : ''}
        </dd>
        <dt>Name</dt>
        <dd>{endpointText(e)}</dd>
        <dt>Workload</dt>
        <dd>{e.workload ? `${e.workload.kind} ${e.workload.name}` : '—'}</dd>
        <dt>IP</dt>
        <dd>{e.ip ?? '—'}</dd>
        <dt>DNS names</dt>
        <dd>{e.dnsNames.join(', ') || '—'}</dd>
        <dt>Labels</dt>
        <dd>
          {Object.keys(e.labels).length === 0 ? (
            '—'
          ) : (
            <ul className="labels">
              {Object.entries(e.labels).map(([k, v]) => (
                <li key={k}>
                  <code>
                    {k}={v}
                  </code>
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </section>
  );
}

export function FlowDrawer({
  flow,
  onClose,
}: {
  flow: FlowRow;
  onClose: () => void;
}): React.JSX.Element {
  const c = (v: number | null): string => (v === null ? NOT_REPORTED : String(v));
  return (
    <Drawer title="Flow" onClose={onClose}>
      <dl className="kv">
        <dt>Time</dt>
        <dd>{fmtTime(flow.time)}</dd>
        <dt>Cluster</dt>
        <dd>{flow.cluster}</dd>
        <dt>Verdict</dt>
        <dd>
          {flow.verdict} ({flow.direction}) · {flow.reason}
          {flow.dropReason ? ` · ${flow.dropReason}` : ''}
        </dd>
        <dt>Port</dt>
        <dd>
          {flow.port ?? '-'}/{flow.protocol}
        </dd>
        <dt>Policies</dt>
        <dd>
          {flow.policies
            .map(
              (p) =>
                `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}${p.action ? ` (${p.action})` : ''}`,
            )
            .join('; ') || '—'}
        </dd>
        <dt>Flows</dt>
        <dd>
          {c(flow.flows)}
          {flow.sampleWeight !== 1 ? ` (sampled: stands for ${flow.sampleWeight})` : ''}
        </dd>
        <dt>Packets</dt>
        <dd>{c(flow.packets)}</dd>
        <dt>Bytes</dt>
        <dd>{c(flow.bytes)}</dd>
        <dt>Reported by</dt>
        <dd>
          {flow.source}
          {flow.node ? ` on ${flow.node}` : ''}
        </dd>
      </dl>
      <EndpointBlock title="Source" e={flow.src} />
      <EndpointBlock title="Destination" e={flow.dst} />
    </Drawer>
  );
}
