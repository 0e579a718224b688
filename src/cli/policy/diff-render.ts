/** Renders a connectivity diff as text, JSON or Markdown (also used for blast radii). */
import type { Connection, ConnectionChange, ConnlistDiff } from '../../domain/netpol/index.js';
import { connectionJson, connectionText, mdCell, peerJson } from './connlist-render.js';
import { safe } from './policy-io.js';

export const DIFF_FORMATS = ['txt', 'json', 'md'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export function changeJson(c: ConnectionChange): Record<string, unknown> {
  return {
    src: peerJson(c.src),
    dst: peerJson(c.dst),
    before: c.before,
    after: c.after,
    gained: c.gained,
    lost: c.lost,
    connectionsBefore: connectionText(c.before),
    connectionsAfter: connectionText(c.after),
  };
}

export function diffJson(d: ConnlistDiff): Record<string, unknown> {
  return {
    summary: { added: d.added.length, removed: d.removed.length, changed: d.changed.length },
    added: d.added.map(connectionJson),
    removed: d.removed.map(connectionJson),
    changed: d.changed.map(changeJson),
  };
}

const line = (c: { src: { name: string }; dst: { name: string } }): string =>
  `${safe(c.src.name)} => ${safe(c.dst.name)}`;

/** `  + a => b : TCP 80` lines; `indent` prefixes each. */
export function connectionLines(list: readonly Connection[], mark: string, indent = ''): string[] {
  return list.map((c) => `${indent}${mark} ${line(c)} : ${connectionText(c.ports)}`);
}

export function changeLines(list: readonly ConnectionChange[], indent = ''): string[] {
  return list.map(
    (c) =>
      `${indent}~ ${line(c)} : ${connectionText(c.before)} -> ${connectionText(c.after)}` +
      (connectionText(c.gained) !== 'none' ? ` (gained ${connectionText(c.gained)})` : '') +
      (connectionText(c.lost) !== 'none' ? ` (lost ${connectionText(c.lost)})` : ''),
  );
}

function renderTxt(d: ConnlistDiff): string {
  const summary = `${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`;
  if (d.added.length + d.removed.length + d.changed.length === 0)
    return 'no change in allowed connections\n';
  return [
    ...connectionLines(d.added, '+'),
    ...connectionLines(d.removed, '-'),
    ...changeLines(d.changed),
    summary,
    '',
  ].join('\n');
}

function renderMd(d: ConnlistDiff): string {
  const out = [
    `**${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed**`,
    '',
  ];
  if (d.added.length + d.removed.length + d.changed.length === 0) return `${out.join('\n')}\n`;
  out.push('| change | source | destination | before | after |', '|---|---|---|---|---|');
  for (const c of d.added)
    out.push(
      `| added | ${mdCell(c.src.name)} | ${mdCell(c.dst.name)} | none | ${connectionText(c.ports)} |`,
    );
  for (const c of d.removed)
    out.push(
      `| removed | ${mdCell(c.src.name)} | ${mdCell(c.dst.name)} | ${connectionText(c.ports)} | none |`,
    );
  for (const c of d.changed)
    out.push(
      `| changed | ${mdCell(c.src.name)} | ${mdCell(c.dst.name)} | ${connectionText(c.before)} | ${connectionText(c.after)} |`,
    );
  return `${out.join('\n')}\n`;
}

export function renderDiff(d: ConnlistDiff, format: DiffFormat): string {
  if (format === 'json') return `${JSON.stringify(diffJson(d), null, 2)}\n`;
  return format === 'md' ? renderMd(d) : renderTxt(d);
}
