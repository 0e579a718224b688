/**
 * Renders a connectivity list as text, JSON, CSV, Markdown or Graphviz dot. Workload names
 * come from manifests and are attacker-controlled: each format escapes them its own way.
 */
import {
  type Connection,
  type ConnPeer,
  formatIp,
  formatPortSet,
  type PortSet,
  rangeToCidrs,
} from '../../domain/netpol/index.js';
import { csvRow } from '../csv.js';
import { safe } from './policy-io.js';

export const CONNLIST_FORMATS = ['txt', 'json', 'csv', 'md', 'dot'] as const;
export type ConnlistFormat = (typeof CONNLIST_FORMATS)[number];

/** `TCP 80,443; UDP 53`, or `All connections`. */
export function connectionText(ports: PortSet): string {
  const text = formatPortSet(ports);
  return text === 'all' ? 'All connections' : text;
}

export function peerJson(p: ConnPeer): Record<string, unknown> {
  if (p.kind === 'workload')
    return {
      kind: 'workload',
      name: p.name,
      namespace: p.workload.namespace,
      workload: p.workload.name,
      workloadKind: p.workload.kind,
    };
  return {
    kind: 'external',
    name: p.name,
    first: formatIp(p.range.first, p.range.bits),
    last: formatIp(p.range.last, p.range.bits),
    cidrs: rangeToCidrs(p.range),
  };
}

export function connectionJson(c: Connection): Record<string, unknown> {
  return {
    src: peerJson(c.src),
    dst: peerJson(c.dst),
    ports: c.ports,
    connections: connectionText(c.ports),
  };
}

/** Markdown table cell: no HTML, no emphasis, no column breaks, no line breaks. */
export function mdCell(text: string): string {
  return safe(text)
    .replace(/[\\`*_[\]|~>]/g, (ch) => `\\${ch}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
}

/** A Graphviz double-quoted string: backslash, quote and line breaks escaped. */
export function dotString(text: string): string {
  return `"${safe(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function renderTxt(list: readonly Connection[]): string {
  if (list.length === 0) return 'no allowed connections\n';
  return list
    .map((c) => `${safe(c.src.name)} => ${safe(c.dst.name)} : ${connectionText(c.ports)}\n`)
    .join('');
}

function renderMd(list: readonly Connection[]): string {
  const rows = list.map(
    (c) => `| ${mdCell(c.src.name)} | ${mdCell(c.dst.name)} | ${connectionText(c.ports)} |`,
  );
  return ['| source | destination | connections |', '|---|---|---|', ...rows, ''].join('\n');
}

function renderDot(list: readonly Connection[]): string {
  const ids = new Map<string, string>();
  const byNamespace = new Map<string, ConnPeer[]>();
  const external: ConnPeer[] = [];
  const note = (p: ConnPeer): void => {
    if (ids.has(p.name)) return;
    ids.set(p.name, `n${ids.size}`);
    if (p.kind === 'external') external.push(p);
    else
      byNamespace.set(p.workload.namespace, [...(byNamespace.get(p.workload.namespace) ?? []), p]);
  };
  for (const c of list) {
    note(c.src);
    note(c.dst);
  }
  const out = [
    'digraph connlist {',
    '  rankdir=LR;',
    '  node [shape=box, fontsize=10];',
    '  edge [fontsize=9];',
  ];
  [...byNamespace.keys()].sort().forEach((ns, i) => {
    out.push(`  subgraph cluster_${i} {`, `    label=${dotString(ns)};`);
    for (const p of byNamespace.get(ns)!) {
      const short = p.kind === 'workload' ? `${p.workload.name}[${p.workload.kind}]` : p.name;
      out.push(`    ${ids.get(p.name)} [label=${dotString(short)}];`);
    }
    out.push('  }');
  });
  for (const p of external)
    out.push(`  ${ids.get(p.name)} [label=${dotString(p.name)}, shape=ellipse, style=dashed];`);
  for (const c of list)
    out.push(
      `  ${ids.get(c.src.name)} -> ${ids.get(c.dst.name)} [label=${dotString(connectionText(c.ports))}];`,
    );
  out.push('}', '');
  return out.join('\n');
}

export function renderConnlist(list: readonly Connection[], format: ConnlistFormat): string {
  switch (format) {
    case 'txt':
      return renderTxt(list);
    case 'json':
      return `${JSON.stringify({ connections: list.map(connectionJson) }, null, 2)}\n`;
    case 'csv':
      return [
        csvRow(['src', 'dst', 'tcp', 'udp', 'sctp', 'connections']),
        ...list.map((c) =>
          csvRow([
            c.src.name,
            c.dst.name,
            ...(['TCP', 'UDP', 'SCTP'] as const).map((p) =>
              c.ports[p].map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(' '),
            ),
            connectionText(c.ports),
          ]),
        ),
      ].join('');
    case 'md':
      return renderMd(list);
    case 'dot':
      return renderDot(list);
  }
}
