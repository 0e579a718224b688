import type { DeniedGroup } from '@api/dashboard-schema.js';

import type { Column } from '../../components/data-table';
import { fmtCount, fmtShortTime, fmtTime, NOT_REPORTED, peerText } from '../../components/format';
import { Sparkline } from '../../components/sparkline';

const counter = (id: 'flows' | 'packets' | 'bytes', header: string): Column<DeniedGroup> => ({
  id,
  header,
  width: '68px',
  align: 'right',
  cell: (g) =>
    g[id] === null ? (
      <span className="muted" title={NOT_REPORTED}>
        —
      </span>
    ) : (
      fmtCount(g[id])
    ),
  sortValue: (g) => g[id] ?? -1,
  title: (g) => (g[id] === null ? NOT_REPORTED : String(g[id])),
});

export const DENIED_COLUMNS: Column<DeniedGroup>[] = [
  {
    id: 'src',
    header: 'Source workload',
    width: 'minmax(130px, 1.2fr)',
    cell: (g) => peerText(g.src),
    sortValue: (g) => peerText(g.src),
    title: (g) => peerText(g.src),
  },
  {
    id: 'dst',
    header: 'Destination : port/protocol',
    width: 'minmax(160px, 1.5fr)',
    cell: (g) => `${peerText(g.dst)} : ${g.port ?? '-'}/${g.protocol}`,
    sortValue: (g) => peerText(g.dst),
    title: (g) => peerText(g.dst),
  },
  {
    id: 'dir',
    header: 'Dir.',
    width: '48px',
    cell: (g) => (g.direction === 'ingress' ? 'in' : g.direction === 'egress' ? 'out' : '?'),
    sortValue: (g) => g.direction,
    title: (g) => g.direction,
  },
  {
    id: 'why',
    header: 'Reason / policy',
    width: 'minmax(130px, 1.3fr)',
    cell: (g) => (g.policy ? `${g.reason} · ${g.policy}` : g.reason),
    sortValue: (g) => g.reason,
    title: (g) => `${g.reason} ${g.policy}`,
  },
  counter('flows', 'Flows'),
  counter('packets', 'Packets'),
  counter('bytes', 'Bytes'),
  {
    id: 'first',
    header: 'First seen',
    width: '92px',
    cell: (g) => fmtShortTime(g.firstSeen),
    sortValue: (g) => g.firstSeen,
    title: (g) => fmtTime(g.firstSeen),
  },
  {
    id: 'last',
    header: 'Last seen',
    width: '92px',
    cell: (g) => fmtShortTime(g.lastSeen),
    sortValue: (g) => g.lastSeen,
    title: (g) => fmtTime(g.lastSeen),
  },
  {
    id: 'trend',
    header: 'Trend',
    width: '88px',
    cell: (g) => <Sparkline values={g.sparkline} width={80} danger />,
  },
];
