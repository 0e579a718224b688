import type { ExternalEgressResponse, VolumeChange } from '@api/dashboard-schema.js';

import { useAllowedVolume, useExternalEgress } from '../../api/allowed';
import { type Column, DataTable } from '../../components/data-table';
import { fmtRatio, fmtShortTime, fmtUnit, NOT_REPORTED, peerText } from '../../components/format';
import { Panel } from '../../components/panel';
import { SeriesPanel } from '../../components/series-panel';
import { QueryState } from '../../components/states';
import { useScope } from '../../state/url-state';

const connKey = (r: VolumeChange): string =>
  JSON.stringify([r.cluster, r.src, r.dst, r.port, r.protocol]);

const VOLUME_COLUMNS: Column<VolumeChange>[] = [
  {
    id: 'src',
    header: 'Source',
    width: 'minmax(150px, 1.2fr)',
    cell: (r) => peerText(r.src),
    sortValue: (r) => peerText(r.src),
    title: (r) => peerText(r.src),
  },
  {
    id: 'dst',
    header: 'Destination : port/protocol',
    width: 'minmax(180px, 1.5fr)',
    cell: (r) => `${peerText(r.dst)} : ${r.port ?? '-'}/${r.protocol}`,
    sortValue: (r) => peerText(r.dst),
    title: (r) => peerText(r.dst),
  },
  {
    id: 'unit',
    header: 'Unit',
    width: '70px',
    cell: (r) => r.unit,
    title: (r) =>
      r.unit === 'bytes'
        ? 'bytes reported by the source'
        : `bytes ${NOT_REPORTED}; counted in ${r.unit}`,
  },
  {
    id: 'now',
    header: 'In window',
    width: '110px',
    align: 'right',
    cell: (r) => fmtUnit(r.current, r.unit),
    sortValue: (r) => r.current,
  },
  {
    id: 'usual',
    header: 'Usual level',
    width: '110px',
    align: 'right',
    cell: (r) => (r.usual === null ? '—' : fmtUnit(r.usual, r.unit)),
    sortValue: (r) => r.usual ?? -1,
  },
  {
    id: 'change',
    header: 'Change',
    width: '90px',
    align: 'right',
    cell: (r) => (
      <span className={r.ratio === null || r.ratio > 2 ? 'up' : r.ratio < 0.5 ? 'down' : ''}>
        {fmtRatio(r.ratio)}
      </span>
    ),
    sortValue: (r) => r.ratio ?? Number.MAX_SAFE_INTEGER,
  },
];

type Ext = ExternalEgressResponse['rows'][number];
const EXTERNAL_COLUMNS: Column<Ext>[] = [
  {
    id: 'dst',
    header: 'External destination',
    width: 'minmax(140px, 1fr)',
    cell: (r) => r.destination,
    sortValue: (r) => r.destination,
    title: (r) => r.destination,
  },
  {
    id: 'ports',
    header: 'Ports',
    width: 'minmax(100px, 0.8fr)',
    cell: (r) => r.ports.join(', '),
    title: (r) => r.ports.join(', '),
  },
  {
    id: 'sources',
    header: 'Sources',
    width: 'minmax(160px, 1.4fr)',
    cell: (r) => r.sources.map(peerText).join(', '),
    title: (r) => r.sources.map(peerText).join(', '),
  },
  {
    id: 'bytes',
    header: 'Allowed bytes',
    width: '110px',
    align: 'right',
    cell: (r) =>
      r.allowed.bytes === null ? (
        <span className="muted" title={NOT_REPORTED}>
          —
        </span>
      ) : (
        fmtUnit(r.allowed.bytes, 'bytes')
      ),
    sortValue: (r) => r.allowed.bytes ?? -1,
  },
  {
    id: 'flows',
    header: 'Allowed flows',
    width: '116px',
    align: 'right',
    cell: (r) => (r.allowed.flows === null ? '—' : fmtUnit(r.allowed.flows, 'flows')),
    sortValue: (r) => r.allowed.flows ?? -1,
  },
  {
    id: 'denied',
    header: 'Denied flows',
    width: '110px',
    align: 'right',
    cell: (r) =>
      r.denied.flows === null ? (
        '—'
      ) : (
        <span className="danger-text">{fmtUnit(r.denied.flows, 'flows')}</span>
      ),
    sortValue: (r) => r.denied.flows ?? -1,
  },
  {
    id: 'last',
    header: 'Last seen',
    width: '104px',
    cell: (r) => fmtShortTime(r.lastSeen),
    sortValue: (r) => r.lastSeen,
  },
];

export function Page(): React.JSX.Element {
  const scope = useScope();
  const volume = useAllowedVolume(scope);
  const external = useExternalEgress(scope);
  return (
    <div className="page">
      <h1>Allowed traffic</h1>
      <div className="grid2">
        <SeriesPanel
          title="Allowed going from the workload (egress)"
          scope={scope}
          params={{ verdict: 'allowed', groupBy: 'workload', direction: 'egress', rate: true }}
          testId="allowed-egress"
        />
        <SeriesPanel
          title="Allowed going to the workload (ingress)"
          scope={scope}
          params={{ verdict: 'allowed', groupBy: 'workload', direction: 'ingress', rate: true }}
          testId="allowed-ingress"
        />
      </div>
      <Panel
        title="Volume per connection against its usual level"
        subtitle="Bytes where the source reports them, flows otherwise (see the Unit column). Usual = average for a window of this length over the previous 7 days."
        testId="allowed-volume"
      >
        <QueryState
          query={volume}
          isEmpty={(d) => d.rows.length === 0}
          empty="No allowed traffic in this window."
        >
          {(d) => (
            <DataTable
              columns={VOLUME_COLUMNS}
              rows={d.rows}
              rowKey={connKey}
              label="Allowed volume per connection"
              height={420}
            />
          )}
        </QueryState>
      </Panel>
      <Panel
        title="Egress to external destinations"
        subtitle="Grouped by destination (external group or named CIDR)"
        testId="external-egress"
      >
        <QueryState
          query={external}
          isEmpty={(d) => d.rows.length === 0}
          empty="No traffic to external destinations in this window."
        >
          {(d) => (
            <DataTable
              columns={EXTERNAL_COLUMNS}
              rows={d.rows}
              rowKey={(r) => r.destination}
              label="External egress"
              height={320}
              initialSort={{ id: 'bytes', desc: true }}
            />
          )}
        </QueryState>
      </Panel>
    </div>
  );
}
