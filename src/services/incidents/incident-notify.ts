/**
 * "Notify developers": the message with the evidence, the engine's explanation and the suggested
 * fix, previewed, then sent to the configured webhooks and the owners' webhooks (Slack or generic
 * JSON) or just recorded as copied. Webhook URLs carry secrets: only their host is shown.
 */
import type { NotifyPreviewResponse, NotifyResponse } from '../../api/incident-schema.js';
import { escalationFor } from '../../domain/incident/escalation.js';
import {
  buildNotifyMessage,
  type FlowEvidence,
  type NotifyMessage,
} from '../../domain/incident/message.js';
import { type NamespaceOwner, webhookFormatOf } from '../../domain/incident/owners.js';
import type { FlowRef, FlowRefEndpoint } from '../../domain/incident/types.js';
import { postJson } from '../alerting/delivery-state.js';
import { createPolicyEnginePort } from '../dashboard/netpol-adapter.js';
import type { ConnectionProbe } from '../dashboard/policy-port.js';
import type { GovernanceContext } from '../governance-context.js';
import { findingFlowRefs } from './finding-flows.js';
import { incidentSettings, type NotifyWebhook } from './incident-config.js';
import { type Actor, auditIncident, requireIncident } from './incident-service.js';
import { incidentStoreFor } from './incident-store-for.js';
import { listOwners } from './owners-service.js';

function endpointRef(e: FlowRefEndpoint): string | null {
  if (e.namespace && e.pod) return `${e.namespace}/${e.pod}`;
  // `Kind/name` or `name`: the adapter resolves `namespace/workload-name`.
  if (e.namespace && e.workload) return `${e.namespace}/${e.workload.split('/').pop()}`;
  return e.ip ?? null;
}

function probeOf(f: FlowRef): ConnectionProbe | null {
  if (f.port === null || !['TCP', 'UDP', 'SCTP'].includes(f.protocol)) return null;
  const from = endpointRef(f.src);
  const to = endpointRef(f.dst);
  if (!from || !to) return null;
  return { from, to, protocol: f.protocol as ConnectionProbe['protocol'], port: f.port };
}

function flowEvidence(ctx: GovernanceContext, refs: readonly FlowRef[]): FlowEvidence[] {
  const model = ctx.model();
  const port = model ? createPolicyEnginePort(model) : null;
  return refs.map((ref) => {
    if (!port)
      return {
        ref,
        explanation: null,
        fix: null,
        note: 'No cluster model is loaded: no explanation or fix.',
      };
    const probe = probeOf(ref);
    if (!probe)
      return {
        ref,
        explanation: null,
        fix: null,
        note: 'The engine explains TCP, UDP and SCTP flows between known endpoints only.',
      };
    const explanation = port.explain(probe);
    const fix = ref.verdict === 'allowed' ? null : (port.suggestFix?.(probe) ?? null);
    return {
      ref,
      explanation,
      fix,
      note: explanation ? null : 'An endpoint of this flow is not in the cluster model.',
    };
  });
}

interface Built {
  message: NotifyMessage;
  targets: NotifyWebhook[];
  owners: NamespaceOwner[];
}

async function build(ctx: GovernanceContext, id: string, note: string | null): Promise<Built> {
  const d = await requireIncident(ctx, id);
  const settings = incidentSettings(ctx.config);
  const findings = [];
  for (const l of d.links) {
    if (l.link.kind !== 'finding') continue;
    const f = await ctx.findings.getFinding(l.link.findingId);
    if (f) findings.push(f);
  }
  const linked = d.links.flatMap((l) => (l.link.kind === 'flow' ? [l.link.flow] : []));
  // Opened from findings only: explain (and fix) the connections behind them.
  const flows = linked.length > 0 ? linked : await findingFlowRefs(ctx, findings);
  const owners = listOwners(ctx, d.incident.namespaces);
  const message = buildNotifyMessage({
    incident: d.incident,
    url: settings.externalUrl
      ? `${settings.externalUrl.replace(/\/$/, '')}/incidents/${encodeURIComponent(id)}`
      : null,
    owners,
    findings: findings.map((f) => ({
      id: f.id,
      type: f.type,
      severity: f.severity,
      status: f.status,
      start: f.start,
      end: f.end,
      explanation: f.explanation,
    })),
    flows: flowEvidence(ctx, flows),
    escalation: escalationFor(d.incident, findings, ctx.now(), settings.rules),
    note,
  });
  const targets = [...settings.webhooks];
  for (const o of owners) {
    const trusted = settings.clusterWebhooks || settings.owners[o.namespace]?.webhook === o.webhook;
    if (o.webhook && trusted && !targets.some((t) => t.url === o.webhook))
      targets.push({
        name: `owner:${o.namespace}`,
        url: o.webhook,
        format: webhookFormatOf(o.webhook, o.webhookFormat),
      });
  }
  return { message, targets, owners };
}

const hostOf = (t: NotifyWebhook): { name: string; host: string; format: 'json' | 'slack' } => ({
  name: t.name,
  host: new URL(t.url).host,
  format: t.format,
});

export async function previewNotify(
  ctx: GovernanceContext,
  id: string,
  note: string | null = null,
): Promise<NotifyPreviewResponse> {
  const b = await build(ctx, id, note);
  return {
    title: b.message.title,
    markdown: b.message.markdown,
    slackText: b.message.slack.text,
    targets: b.targets.map(hostOf),
    owners: b.owners,
  };
}

/** Sends (or, with `send: false` or no targets, records as copied) and writes the timeline. */
export async function sendNotify(
  ctx: GovernanceContext,
  id: string,
  opts: { note?: string | undefined; send?: boolean | undefined },
  actor: Actor,
): Promise<NotifyResponse> {
  const b = await build(ctx, id, opts.note ?? null);
  const timeout = incidentSettings(ctx.config).notifyTimeoutMs;
  const sent: NotifyResponse['sent'] = [];
  if (opts.send !== false) {
    for (const t of b.targets) {
      const body =
        t.format === 'slack'
          ? b.message.slack
          : { ...b.message.json, markdown: b.message.markdown };
      try {
        await postJson(t.url, body, timeout);
        sent.push({ ...hostOf(t), ok: true, error: null });
      } catch (err) {
        sent.push({ ...hostOf(t), ok: false, error: (err as Error).message });
      }
    }
  }
  const ok = sent.filter((s) => s.ok).length;
  const text =
    sent.length === 0
      ? 'Message prepared for copying (not sent)'
      : `Developers notified through ${ok} of ${sent.length} webhook(s)`;
  await incidentStoreFor(ctx.store).addTimelineEntry(id, {
    time: ctx.now(),
    actor: actor.name,
    kind: 'notify',
    text,
    details: {
      sent,
      note: opts.note ?? null,
      owners: b.owners.map((o) => o.namespace),
      markdown: b.message.markdown,
    },
  });
  await auditIncident(
    ctx,
    actor,
    'incident.notify',
    id,
    {
      sent: sent.map((s) => ({ name: s.name, host: s.host, ok: s.ok })),
      copied: sent.length === 0,
    },
    sent.length > 0 && ok === 0 ? 'failed' : 'ok',
  );
  return { sent, markdown: b.message.markdown };
}
