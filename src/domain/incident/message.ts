/**
 * The "Notify developers" message: evidence, the policy engine's explanation and the suggested
 * NetworkPolicy fix with its blast radius. One content, three renderings: Markdown (to copy),
 * Slack mrkdwn, and generic JSON (raw values; JSON encoding is the escaping there).
 */
import type { EscalationGuidance } from './escalation.js';
import { formatElapsed } from './escalation.js';
import { codeBlock, escapeMarkdown, escapeSlackText, stripControls } from './escape.js';
import type { NamespaceOwner } from './owners.js';
import type { FlowRef, FlowRefEndpoint, Incident } from './types.js';

export interface FlowEvidence {
  ref: FlowRef;
  explanation: { allowed: boolean; summary: string; steps: string[] } | null;
  fix: { yaml: string; blastRadius: string[] } | null;
  /** Why there is no explanation or fix. */
  note: string | null;
}

export interface FindingEvidence {
  id: string;
  type: string;
  severity: string;
  status: 'open' | 'closed';
  start: number;
  end: number;
  explanation: string;
}

export interface NotifyContent {
  incident: Incident;
  /** Link to the incident page, or null without a configured external URL. */
  url: string | null;
  owners: NamespaceOwner[];
  flows: FlowEvidence[];
  findings: FindingEvidence[];
  escalation: EscalationGuidance;
  note: string | null;
}

export interface NotifyMessage {
  title: string;
  markdown: string;
  slack: { text: string };
  json: Record<string, unknown>;
}

export function endpointLabel(e: FlowRefEndpoint): string {
  if (e.namespace && (e.workload || e.pod)) return `${e.namespace}/${e.workload ?? e.pod}`;
  return e.ip ?? e.namespace ?? 'unknown';
}

export function flowLabel(f: FlowRef): string {
  const port = f.port === null ? '' : ` ${f.port}`;
  return `${endpointLabel(f.src)} → ${endpointLabel(f.dst)}${port}/${f.protocol} (${f.verdict})`;
}

const iso = (t: number): string => new Date(t).toISOString().replace('.000Z', 'Z');

type Esc = (s: string) => string;

/** The shared text, rendered with the given escaping; code blocks stay code in both dialects. */
function render(c: NotifyContent, esc: Esc, bold: (s: string) => string): string {
  const i = c.incident;
  const lines: string[] = [];
  lines.push(bold(`Incident ${esc(i.id)}: ${esc(i.title)}`));
  lines.push(
    `Severity ${esc(i.severity)}, ${esc(i.kind)}, status ${esc(i.status)}. Cluster ${esc(i.cluster)}. Detected ${iso(i.detectedAt)} (${formatElapsed(c.escalation.elapsedMs)} ago).`,
  );
  if (c.url) lines.push(`Details: ${c.url}`);
  if (c.owners.length)
    lines.push(
      `Owners: ${c.owners.map((o) => esc(`${o.namespace}: ${o.team ?? 'no team'}`)).join('; ')}`,
    );
  lines.push(`Recommended: ${esc(c.escalation.text)}`);
  if (c.note) lines.push('', bold('Note'), esc(c.note));
  for (const f of c.findings) {
    lines.push('', bold(`Finding ${esc(f.type)} (${esc(f.severity)}, ${f.status})`));
    lines.push(`${iso(f.start)} – ${iso(f.end)}: ${esc(f.explanation)}`);
  }
  for (const f of c.flows) {
    lines.push('', bold(`Flow ${esc(flowLabel(f.ref))}`), `Seen ${iso(f.ref.time)}.`);
    if (f.explanation) {
      lines.push(`Why: ${esc(f.explanation.summary)}`);
      for (const s of f.explanation.steps) lines.push(`- ${esc(s)}`);
    }
    if (f.fix) {
      lines.push('Suggested NetworkPolicy change:', codeBlock(f.fix.yaml, 'yaml'));
      lines.push('Blast radius:');
      for (const b of f.fix.blastRadius) lines.push(`- ${esc(b)}`);
    }
    if (f.note) lines.push(esc(f.note));
  }
  return lines.join('\n');
}

/**
 * @example buildNotifyMessage(content).slack // { text: '*Incident inc-1: …*\n…' }
 */
export function buildNotifyMessage(c: NotifyContent): NotifyMessage {
  const title = `[netsec] Incident ${stripControls(c.incident.id)}: ${stripControls(c.incident.title)}`;
  return {
    title,
    markdown: render(c, escapeMarkdown, (s) => `**${s}**`),
    slack: { text: render(c, escapeSlackText, (s) => `*${s}*`) },
    json: {
      kind: 'netsec.incident.notify',
      title,
      incident: c.incident,
      url: c.url,
      owners: c.owners,
      escalation: c.escalation,
      findings: c.findings,
      flows: c.flows,
      note: c.note,
    },
  };
}
