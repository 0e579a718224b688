import type { FlowRow } from '@api/dashboard-schema.js';

import type { Column } from '../../components/data-table';
import { fmtCompactTime, fmtCount, fmtTime, NOT_REPORTED } from '../../components/format';

export function endpointText(e: FlowRow['src']): string {
  const name = e.pod ?? e.workload?.name ?? e.externalGroup ?? e.ip ?? '(unknown)';
  return e.namespace ? `${e.namespace}/${name}` : name;
}

const n = (id: 'flows' | 'packets' | 'bytes', header: string): Column<FlowRow> => ({
  id,
  header,
  width: '62px',
  align: 'right',
  cell: (f) => (f[id] === null ? <span className="muted">—</span> : fmtCount(f[id])),
  title: (f) => (f[id] === null ? NOT_REPORTED : String(f[id])),
});

export const FLOW_COLUMNS: Column<FlowRow>[] = [
  {
    id: 'time',
    header: 'Time',
    width: '116px',
    cell: (f) => fmtCompactTime(f.time),
    title: (f) => fmtTime(f.time),
  },
  {
    id: 'verdict',
    header: 'Verdict',
    width: '72px',
    cell: (f) => <span className={`verdict ${f.verdict}`}>{f.verdict}</span>,
  },
  {
    id: 'dir',
    header: 'Dir.',
    width: '58px',
    cell: (f) => (f.direction === 'ingress' ? 'in' : f.direction === 'egress' ? 'out' : '?'),
    title: (f) => f.direction,
  },
  {
    id: 'src',
    header: 'Source',
    width: 'minmax(150px, 1.3fr)',
    cell: (f) => endpointText(f.src),
    title: (f) => endpointText(f.src),
  },
  {
    id: 'dst',
    header: 'Destination',
    width: 'minmax(150px, 1.3fr)',
    cell: (f) => endpointText(f.dst),
    title: (f) => endpointText(f.dst),
  },
  { id: 'port', header: 'Port', width: '78px', cell: (f) => `${f.port ?? '-'}/${f.protocol}` },
  {
    id: 'reason',
    header: 'Reason',
    width: 'minmax(110px, 0.8fr)',
    cell: (f) => f.reason,
    title: (f) => f.dropReason ?? f.reason,
  },
  {
    id: 'policy',
    header: 'Policy',
    width: 'minmax(110px, 1fr)',
    cell: (f) =>
      f.policies.map((p) => (p.namespace ? `${p.namespace}/${p.name}` : p.name)).join(', '),
    title: (f) => f.policies.map((p) => p.name).join(', '),
  },
  n('flows', 'Flows'),
  n('packets', 'Packets'),
  n('bytes', 'Bytes'),
  { id: 'source', header: 'Reported by', width: '84px', cell: (f) => f.source },
];
