import type { ServiceMapResponse } from '@api/dashboard-schema.js';
import { Link } from 'react-router';

import type { Scope } from '../../api/scope';
import { useEdgeFlows } from '../../api/service-map';
import { DataTable } from '../../components/data-table';
import { Drawer } from '../../components/drawer';
import { fmtUnit, NOT_REPORTED } from '../../components/format';
import { QueryState } from '../../components/states';
import { FLOW_COLUMNS } from '../flows/flow-columns';

type Node = ServiceMapResponse['nodes'][number];
type Edge = ServiceMapResponse['edges'][number];

const c = (v: number | null, unit: 'flows' | 'packets' | 'bytes'): string =>
  v === null ? NOT_REPORTED : fmtUnit(v, unit);

export function EdgeDrawer({
  scope,
  edge,
  src,
  dst,
  onClose,
}: {
  scope: Scope;
  edge: Edge;
  src: Node | undefined;
  dst: Node | undefined;
  onClose: () => void;
}): React.JSX.Element {
  const flows = useEdgeFlows(scope, src, dst);
  const wl = src?.kind === 'pod' ? src.workload : dst?.kind === 'pod' ? dst.workload : null;
  const explore = new URLSearchParams(window.location.search);
  explore.delete('edge');
  explore.delete('denied');
  if (wl) explore.set('workload', wl);
  return (
    <Drawer title="Connection" onClose={onClose}>
      <p className="conn-title">
        <span>{edge.src}</span> → <span>{edge.dst}</span>
      </p>
      <p className="muted">Ports: {edge.ports.join(', ')}</p>
      <dl className="kv">
        <dt>Denied</dt>
        <dd className={(edge.denied.flows ?? 0) > 0 ? 'danger-text' : ''}>
          {c(edge.denied.flows, 'flows')} · {c(edge.denied.packets, 'packets')}
        </dd>
        <dt>Allowed</dt>
        <dd>
          {c(edge.allowed.flows, 'flows')} · {c(edge.allowed.packets, 'packets')} ·{' '}
          {c(edge.allowed.bytes, 'bytes')}
        </dd>
      </dl>
      <p>
        <Link to={`/flows?${explore.toString()}`}>Open in the flow explorer</Link>
      </p>
      <h3>Flows</h3>
      <QueryState
        query={flows}
        isEmpty={(d) => d.flows.length === 0}
        empty="No raw events kept for this connection in the window."
      >
        {(d) => (
          <DataTable
            columns={FLOW_COLUMNS.filter((col) =>
              ['time', 'verdict', 'port', 'reason', 'flows', 'bytes'].includes(col.id),
            )}
            rows={d.flows}
            rowKey={(f) => f.id}
            label="Edge flows"
            height={360}
          />
        )}
      </QueryState>
    </Drawer>
  );
}
