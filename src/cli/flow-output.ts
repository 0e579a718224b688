/** Renders flows for `netsec flows`: an aligned table, CSV, or native NDJSON. */
import type { Endpoint, Flow } from '../domain/flow.js';
import { csvRow } from './csv.js';
import { escapeTerminal } from './terminal-escape.js';

/** `ns/pod (Kind/workload)`, the external group and IP, or what little is known. Not escaped. */
export function endpointLabel(e: Endpoint): string {
  const wl = e.workload ? ` (${e.workload.kind}/${e.workload.name})` : '';
  const agg = e.aggregated ? ' [aggregated]' : '';
  switch (e.kind) {
    case 'pod':
      return `${e.namespace ?? '?'}/${e.pod ?? e.workload?.name ?? '?'}${wl}${agg}`;
    case 'external':
      return `${e.externalGroup ?? 'world'}${e.ip ? ` ${e.ip}` : ''}${e.dnsNames[0] ? ` (${e.dnsNames[0]})` : ''}`;
    case 'host':
      return `host${e.ip ? ` ${e.ip}` : ''}`;
    default:
      return e.ip ?? (e.namespace ? `${e.namespace}/?` : 'unknown');
  }
}

export function policyLabel(f: Flow): string {
  return f.policies
    .map((p) => `${p.staged ? 'staged:' : ''}${p.namespace ? `${p.namespace}/` : ''}${p.name}`)
    .join(', ');
}

function portLabel(f: Flow): string {
  return f.port === null ? f.protocol : `${f.port}/${f.protocol}`;
}

export const TABLE_HEADERS = [
  'TIME',
  'SOURCE',
  'DESTINATION',
  'PORT',
  'DIRECTION',
  'VERDICT',
  'REASON',
  'POLICY',
] as const;

export function flowTableCells(f: Flow): string[] {
  return [
    new Date(f.time).toISOString(),
    endpointLabel(f.src),
    endpointLabel(f.dst),
    portLabel(f),
    f.direction,
    f.verdict,
    f.dropReason && f.reason === 'non-policy-drop' ? `${f.reason} (${f.dropReason})` : f.reason,
    policyLabel(f),
  ];
}

/** An aligned text table; every cell is escaped for the terminal first. */
export function renderTable(headers: readonly string[], rows: readonly string[][]): string {
  const safe = rows.map((r) => r.map(escapeTerminal));
  const widths = headers.map((h, i) => Math.max(h.length, ...safe.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...safe.map(line)].join('\n') + '\n';
}

export const CSV_HEADERS = [
  'time',
  'cluster',
  'src_namespace',
  'src_pod',
  'src_workload',
  'src_ip',
  'src_kind',
  'dst_namespace',
  'dst_pod',
  'dst_workload',
  'dst_ip',
  'dst_kind',
  'protocol',
  'port',
  'direction',
  'verdict',
  'reason',
  'drop_reason',
  'policies',
  'flows',
  'packets',
  'bytes',
  'source',
] as const;

export function flowCsvRow(f: Flow): string {
  const side = (e: Endpoint): (string | null)[] => [
    e.namespace,
    e.pod,
    e.workload ? `${e.workload.kind}/${e.workload.name}` : e.externalGroup,
    e.ip,
    e.kind,
  ];
  return csvRow([
    new Date(f.time).toISOString(),
    f.cluster,
    ...side(f.src),
    ...side(f.dst),
    f.protocol,
    f.port,
    f.direction,
    f.verdict,
    f.reason,
    f.dropReason,
    policyLabel(f),
    f.flows,
    f.packets,
    f.bytes,
    f.source,
  ]);
}
