/**
 * Notification bodies for webhooks: a generic JSON document (shaped like Alertmanager's own
 * webhook payload, so existing consumers can read it) and a Slack-compatible `{text}` message.
 * Names in alerts come from flows and are attacker-controlled: the Slack text escapes them
 * (`&`, `<`, `>`), so no name can turn into a link, a mention or `<!channel>`.
 */
import type { AlertState } from '../../domain/detect/alert-eval.js';

export interface GroupNotification {
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: readonly AlertState[];
  externalUrl: string;
  now: number;
}

export interface WebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  /** Set once the alert resolved. */
  endsAt: string | null;
  generatorURL: string;
  fingerprint: string;
}

export interface WebhookBody {
  version: '1';
  receiver: string;
  status: 'firing' | 'resolved';
  groupKey: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: WebhookAlert[];
}

function common(maps: readonly Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = maps;
  if (!first) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) if (rest.every((m) => m[k] === v)) out[k] = v;
  return out;
}

/** @example jsonBody({ receiver: 'ops', groupKey, groupLabels, alerts, externalUrl, now }) */
export function jsonBody(n: GroupNotification): WebhookBody {
  const alerts = n.alerts.map((a): WebhookAlert => ({
    status: a.resolvedAt === null ? 'firing' : 'resolved',
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.activeSince).toISOString(),
    endsAt: a.resolvedAt === null ? null : new Date(a.resolvedAt).toISOString(),
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
  }));
  return {
    version: '1',
    receiver: n.receiver,
    status: alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    groupKey: n.groupKey,
    groupLabels: n.groupLabels,
    commonLabels: common(n.alerts.map((a) => a.labels)),
    commonAnnotations: common(n.alerts.map((a) => a.annotations)),
    externalURL: n.externalUrl,
    alerts,
  };
}

/** Slack mrkdwn escaping: the three characters Slack gives control meaning. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A link whose URL cannot close the `<…|…>` markup early. */
function slackLink(url: string, label: string): string {
  const safe = escapeSlack(url).replace(/\|/g, '%7C');
  return `<${safe}|${escapeSlack(label)}>`;
}

const MAX_LINES = 20;

/** @example slackBody(notification).text */
export function slackBody(n: GroupNotification): { text: string } {
  const firing = n.alerts.filter((a) => a.resolvedAt === null);
  const resolved = n.alerts.filter((a) => a.resolvedAt !== null);
  const group = Object.entries(n.groupLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const head =
    `*${firing.length > 0 ? `[FIRING:${firing.length}]` : '[RESOLVED]'}` +
    `${resolved.length > 0 && firing.length > 0 ? ` [RESOLVED:${resolved.length}]` : ''}* ` +
    escapeSlack(group);
  const lines = n.alerts.slice(0, MAX_LINES).map((a) => {
    const state = a.resolvedAt === null ? 'firing' : 'resolved';
    const what = escapeSlack(a.annotations['summary'] ?? a.labels['alertname'] ?? 'alert');
    const why = escapeSlack(a.annotations['description'] ?? '');
    const links = [slackLink(a.generatorURL, 'open')];
    if (a.annotations['runbook_url'])
      links.push(slackLink(a.annotations['runbook_url'], 'runbook'));
    return `• ${state}: ${what}${why ? ` — ${why}` : ''} (${links.join(', ')})`;
  });
  if (n.alerts.length > MAX_LINES) lines.push(`… and ${n.alerts.length - MAX_LINES} more`);
  return { text: [head, ...lines].join('\n') };
}
