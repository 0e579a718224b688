/**
 * Incident use cases: create (from findings, a flow, a review item), list and read within the
 * caller's scope, change status, assignee and fields, comment, link more evidence. Every step is
 * written to the timeline and to the audit log.
 */
import { randomBytes } from 'node:crypto';

import type {
  CreateIncidentBody,
  IncidentDetailResponse,
  IncidentListResponse,
  PatchIncidentBody,
} from '../../api/incident-schema.js';
import type { Finding } from '../../domain/detect/finding.js';
import { escalationFor } from '../../domain/incident/escalation.js';
import { allowedTransitions, transition } from '../../domain/incident/transitions.js';
import type {
  FlowRef,
  Incident,
  IncidentDetail,
  StoredIncidentLink,
  TimelineEntryInput,
} from '../../domain/incident/types.js';
import type { IncidentFilter, IncidentPatch } from '../../store/incident-store.js';
import type { GovernanceContext } from '../governance-context.js';
import { incidentSettings } from './incident-config.js';
import {
  findingNamespaces,
  flowNamespaces,
  kindFrom,
  severityFrom,
  titleFrom,
  workloadOf,
} from './incident-derive.js';
import { IncidentError, notFound } from './incident-errors.js';
import { incidentStoreFor } from './incident-store-for.js';

export interface Actor {
  name: string;
  ip: string | null;
}

/** Namespaces the caller may see; undefined: all. */
export type Scope = readonly string[] | undefined;

const inScope = (i: Incident, scope: Scope): boolean =>
  scope === undefined || i.namespaces.some((n) => scope.includes(n));

async function loadFindings(ctx: GovernanceContext, ids: readonly string[]): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const id of new Set(ids)) {
    const f = await ctx.findings.getFinding(id);
    if (f) out.push(f);
  }
  return out;
}

async function audit(
  ctx: GovernanceContext,
  actor: Actor,
  action: string,
  target: string,
  details: Record<string, unknown> = {},
  outcome: 'ok' | 'failed' = 'ok',
): Promise<void> {
  await ctx.audit.record({ actor: actor.name, action, target, outcome, ip: actor.ip, details });
}

export async function createIncident(
  ctx: GovernanceContext,
  body: CreateIncidentBody,
  actor: Actor,
): Promise<IncidentDetail> {
  const findingIds = [...new Set(body.findingIds ?? [])];
  const findings = await loadFindings(ctx, findingIds);
  const missing = findingIds.filter((id) => !findings.some((f) => f.id === id));
  if (missing.length) throw new IncidentError(400, `unknown finding ids: ${missing.join(', ')}`);
  if (body.reviewItemKey && !body.reviewId)
    throw new IncidentError(400, 'reviewItemKey needs reviewId');
  const now = ctx.now();
  const flow = body.flow as FlowRef | undefined;
  const starts = [...findings.map((f) => f.start), ...(flow ? [flow.time] : [])];
  const links: StoredIncidentLink[] = [
    ...findings.map((f) => ({
      link: { kind: 'finding' as const, findingId: f.id },
      addedAt: now,
      addedBy: actor.name,
    })),
    ...(flow ? [{ link: { kind: 'flow' as const, flow }, addedAt: now, addedBy: actor.name }] : []),
    ...(body.reviewId
      ? [
          {
            link: {
              kind: 'review' as const,
              reviewId: body.reviewId,
              itemKey: body.reviewItemKey ?? null,
            },
            addedAt: now,
            addedBy: actor.name,
          },
        ]
      : []),
  ];
  const incident: Incident = {
    id: `inc-${randomBytes(6).toString('hex')}`,
    cluster:
      body.cluster ??
      findings[0]?.subject.cluster ??
      flow?.cluster ??
      ctx.config.ingest.defaultCluster,
    title: body.title ?? titleFrom(findings, flow),
    severity: body.severity ?? severityFrom(findings, flow),
    kind: body.kind ?? kindFrom(findings),
    status: 'open',
    assignee: null,
    createdAt: now,
    createdBy: actor.name,
    detectedAt: starts.length ? Math.min(...starts) : now,
    containedAt: null,
    resolvedAt: null,
    closedAt: null,
    outcome: null,
    resolution: null,
    namespaces: [
      ...new Set([...findings.flatMap(findingNamespaces), ...(flow ? flowNamespaces(flow) : [])]),
    ].sort(),
    updatedAt: now,
  };
  const from = findings.length ? 'finding' : flow ? 'flow' : body.reviewId ? 'review' : 'manual';
  const timeline: TimelineEntryInput[] = [
    {
      time: now,
      actor: actor.name,
      kind: 'created',
      text: `Opened from ${from}`,
      details: {
        findingIds,
        flow: flow ?? null,
        reviewId: body.reviewId ?? null,
        reviewItemKey: body.reviewItemKey ?? null,
      },
    },
    ...(body.note
      ? [{ time: now, actor: actor.name, kind: 'comment' as const, text: body.note, details: {} }]
      : []),
  ];
  const detail = await incidentStoreFor(ctx.store).createIncident({ incident, links, timeline });
  await audit(ctx, actor, 'incident.create', incident.id, {
    severity: incident.severity,
    kind: incident.kind,
    findingIds,
    from,
  });
  return detail;
}

function splitList(v: string | undefined): string[] | undefined {
  return v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
}

export async function listIncidents(
  ctx: GovernanceContext,
  q: {
    status?: string;
    severity?: string;
    cluster?: string;
    from?: number;
    to?: number;
    findingId?: string;
    limit?: number;
  },
  scope: Scope,
): Promise<IncidentListResponse> {
  const filter: IncidentFilter = {
    ...(q.status ? { status: splitList(q.status) as IncidentFilter['status'] } : {}),
    ...(q.severity ? { severity: splitList(q.severity) as IncidentFilter['severity'] } : {}),
    ...(q.cluster ? { cluster: splitList(q.cluster)! } : {}),
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
    ...(q.findingId ? { findingId: q.findingId } : {}),
    ...(q.limit ? { limit: q.limit } : {}),
    ...(scope ? { namespaces: [...scope] } : {}),
  };
  const incidents = await incidentStoreFor(ctx.store).listIncidents(filter);
  const rules = incidentSettings(ctx.config).rules;
  const now = ctx.now();
  // The list's escalation uses the incident alone; the detail page adds the linked findings.
  return {
    incidents: incidents.map((i) => ({ ...i, escalation: escalationFor(i, [], now, rules) })),
  };
}

/** The incident as its page shows it; 404 for unknown ids and for incidents outside the scope. */
export async function getIncidentView(
  ctx: GovernanceContext,
  id: string,
  scope: Scope,
): Promise<IncidentDetailResponse> {
  const d = await incidentStoreFor(ctx.store).getIncident(id);
  if (!d || !inScope(d.incident, scope)) throw notFound();
  const ids = d.links.flatMap((l) => (l.link.kind === 'finding' ? [l.link.findingId] : []));
  const findings = await loadFindings(ctx, ids);
  const flows = d.links.flatMap((l) => (l.link.kind === 'flow' ? [l.link.flow] : []));
  const escalation = escalationFor(
    d.incident,
    findings,
    ctx.now(),
    incidentSettings(ctx.config).rules,
  );
  return {
    ...d,
    findings: findings.map((f) => ({
      id: f.id,
      type: f.type,
      severity: f.severity,
      status: f.status,
      start: f.start,
      end: f.end,
      explanation: f.explanation,
      namespace: f.subject.namespace,
      workload: f.subject.workload,
      peer: f.subject.peer,
    })),
    escalation,
    transitions: allowedTransitions(d.incident.status),
    workload: workloadOf(findings, flows),
  };
}

/** Reads an incident for a write; 404 for unknown ids. */
export async function requireIncident(ctx: GovernanceContext, id: string): Promise<IncidentDetail> {
  const d = await incidentStoreFor(ctx.store).getIncident(id);
  if (!d) throw notFound();
  return d;
}

export async function patchIncident(
  ctx: GovernanceContext,
  id: string,
  body: PatchIncidentBody,
  actor: Actor,
): Promise<IncidentDetailResponse> {
  const store = incidentStoreFor(ctx.store);
  const { incident } = await requireIncident(ctx, id);
  const now = ctx.now();
  const patch: IncidentPatch = { updatedAt: now };
  const entries: TimelineEntryInput[] = [];
  const entry = (
    kind: TimelineEntryInput['kind'],
    text: string,
    details: Record<string, unknown> = {},
  ): void => {
    entries.push({ time: now, actor: actor.name, kind, text, details });
  };
  if (body.status !== undefined) {
    const r = transition(incident, {
      to: body.status,
      at: now,
      ...(body.outcome !== undefined ? { outcome: body.outcome } : {}),
      ...(body.resolution !== undefined ? { resolution: body.resolution } : {}),
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
    });
    if (!r.ok) throw new IncidentError(409, r.error);
    Object.assign(patch, r.patch);
    entry('status', `${incident.status} → ${body.status}${body.reason ? `: ${body.reason}` : ''}`, {
      from: incident.status,
      to: body.status,
      outcome: r.patch.outcome,
      resolution: body.resolution ?? null,
    });
  } else {
    if (body.outcome !== undefined) patch.outcome = body.outcome;
    if (body.resolution !== undefined) patch.resolution = body.resolution;
    if (body.outcome !== undefined || body.resolution !== undefined)
      entry(
        'comment',
        `Outcome ${body.outcome ?? incident.outcome ?? 'unset'}${body.resolution ? `: ${body.resolution}` : ''}`,
      );
  }
  if (body.assignee !== undefined && body.assignee !== incident.assignee) {
    patch.assignee = body.assignee;
    entry('assign', body.assignee ? `Assigned to ${body.assignee}` : 'Unassigned', {
      from: incident.assignee,
      to: body.assignee,
    });
  }
  for (const k of ['title', 'severity', 'kind'] as const) {
    const v = body[k];
    if (v !== undefined && v !== incident[k]) {
      patch[k] = v as never;
      entry('comment', `${k} changed from ${incident[k]} to ${v}`, {
        field: k,
        from: incident[k],
        to: v,
      });
    }
  }
  const newFindings = await loadFindings(ctx, body.findingIds ?? []);
  const missing = (body.findingIds ?? []).filter((x) => !newFindings.some((f) => f.id === x));
  if (missing.length) throw new IncidentError(400, `unknown finding ids: ${missing.join(', ')}`);
  const flows = (body.flows ?? []) as FlowRef[];
  if (newFindings.length || flows.length) {
    const links: StoredIncidentLink[] = [
      ...newFindings.map((f) => ({
        link: { kind: 'finding' as const, findingId: f.id },
        addedAt: now,
        addedBy: actor.name,
      })),
      ...flows.map((flow) => ({
        link: { kind: 'flow' as const, flow },
        addedAt: now,
        addedBy: actor.name,
      })),
    ];
    const starts = [...newFindings.map((f) => f.start), ...flows.map((f) => f.time)];
    const added = await store.addLinks(id, links, Math.min(...starts));
    patch.namespaces = [
      ...new Set([
        ...incident.namespaces,
        ...newFindings.flatMap(findingNamespaces),
        ...flows.flatMap(flowNamespaces),
      ]),
    ].sort();
    entry('link', `Linked ${newFindings.length} finding(s) and ${flows.length} flow(s)`, {
      findingIds: newFindings.map((f) => f.id),
      flows: flows.length,
      added,
    });
  }
  if (entries.length === 0) throw new IncidentError(400, 'nothing to change');
  await store.updateIncident(id, patch, entries);
  await audit(ctx, actor, 'incident.update', id, {
    changes: entries.map((e) => e.kind),
    ...(body.status ? { from: incident.status, to: body.status } : {}),
    ...(body.assignee !== undefined ? { assignee: body.assignee } : {}),
  });
  return getIncidentView(ctx, id, undefined);
}

export async function addComment(
  ctx: GovernanceContext,
  id: string,
  text: string,
  actor: Actor,
): Promise<IncidentDetailResponse> {
  const e = await incidentStoreFor(ctx.store).addTimelineEntry(id, {
    time: ctx.now(),
    actor: actor.name,
    kind: 'comment',
    text,
    details: {},
  });
  if (!e) throw notFound();
  await audit(ctx, actor, 'incident.comment', id, { entry: e.id });
  return getIncidentView(ctx, id, undefined);
}

export { audit as auditIncident };
