/**
 * HTTP API of incidents and namespace owners (docs/incidents.md, docs/http-api.md). The review
 * page and the finding page create incidents with `CreateIncidentBodySchema`: keep its field names.
 */
import { z } from 'zod';

import {
  INCIDENT_KINDS,
  INCIDENT_OUTCOMES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  TIMELINE_KINDS,
} from '../domain/incident/types.js';

const text = (max: number): z.ZodString => z.string().trim().min(1).max(max);
const name = z.string().max(253);

export const FlowRefEndpointSchema = z.strictObject({
  namespace: name.nullable().default(null),
  pod: name.nullable().default(null),
  workload: name.nullable().default(null),
  ip: z.string().max(100).nullable().optional(),
});

/** A flow (or denied group) an incident is created from or linked to. */
export const FlowRefSchema = z.strictObject({
  time: z.number().int().min(0),
  cluster: text(253),
  src: FlowRefEndpointSchema,
  dst: FlowRefEndpointSchema,
  protocol: text(16),
  port: z.number().int().min(0).max(65535).nullable(),
  verdict: z.enum(['allowed', 'denied', 'audit']),
});

export const CreateIncidentBodySchema = z.strictObject({
  title: text(300).optional(),
  severity: z.enum(INCIDENT_SEVERITIES).optional(),
  kind: z.enum(INCIDENT_KINDS).optional(),
  cluster: text(253).optional(),
  findingIds: z.array(text(200)).max(100).optional(),
  flow: FlowRefSchema.optional(),
  reviewId: text(200).optional(),
  reviewItemKey: text(2000).optional(),
  note: text(10_000).optional(),
});
export type CreateIncidentBody = z.infer<typeof CreateIncidentBodySchema>;

export const PatchIncidentBodySchema = z.strictObject({
  title: text(300).optional(),
  severity: z.enum(INCIDENT_SEVERITIES).optional(),
  kind: z.enum(INCIDENT_KINDS).optional(),
  status: z.enum(INCIDENT_STATUSES).optional(),
  /** Needed when resolving or closing unless set before. */
  outcome: z.enum(INCIDENT_OUTCOMES).optional(),
  resolution: text(10_000).optional(),
  /** Why: needed when moving back (reopening). */
  reason: text(2000).optional(),
  assignee: text(200).nullable().optional(),
  findingIds: z.array(text(200)).max(100).optional(),
  flows: z.array(FlowRefSchema).max(100).optional(),
});
export type PatchIncidentBody = z.infer<typeof PatchIncidentBodySchema>;

export const CommentBodySchema = z.strictObject({ text: text(10_000) });

export const NotifyBodySchema = z.strictObject({
  /** Added to the message, e.g. what the developers should do. */
  note: text(5000).optional(),
  /** false: only record the message as copied (no webhook is called). Default true. */
  send: z.boolean().optional(),
});

export const QuarantinePlanBodySchema = z.strictObject({
  /** `<namespace>/<Kind>/<name>`; default: the workload the incident is about. */
  workload: text(600).optional(),
  keepDns: z.boolean().optional(),
  keepMonitoringFrom: text(253).optional(),
});

export const QuarantineApplyBodySchema = z.strictObject({
  workload: text(600),
  /** The workload's name typed again, as confirmation. */
  confirm: text(253),
  /** lift: delete the quarantine policy again. Default apply. */
  action: z.enum(['apply', 'lift']).optional(),
  keepDns: z.boolean().optional(),
  keepMonitoringFrom: text(253).optional(),
});

export const IncidentListQuerySchema = z.object({
  status: z.string().max(200).optional(),
  severity: z.string().max(200).optional(),
  cluster: z.string().max(2000).optional(),
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  findingId: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});

// Responses: described as zod for the UI; the server builds them from the domain types.

export const IncidentSchema = z.object({
  id: z.string(),
  cluster: z.string(),
  title: z.string(),
  severity: z.enum(INCIDENT_SEVERITIES),
  kind: z.enum(INCIDENT_KINDS),
  status: z.enum(INCIDENT_STATUSES),
  assignee: z.string().nullable(),
  createdAt: z.number(),
  createdBy: z.string(),
  detectedAt: z.number(),
  containedAt: z.number().nullable(),
  resolvedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
  outcome: z.enum(INCIDENT_OUTCOMES).nullable(),
  resolution: z.string().nullable(),
  namespaces: z.array(z.string()),
  updatedAt: z.number(),
});
export type IncidentDto = z.infer<typeof IncidentSchema>;

export const EscalationSchema = z.object({
  rule: z.string(),
  action: z.enum(['take-offline', 'quarantine', 'notify', 'investigate']),
  text: z.string(),
  detectedAt: z.number(),
  elapsedMs: z.number(),
  targetMs: z.number(),
  overdue: z.boolean(),
  responded: z.boolean(),
  ongoing: z.boolean(),
});
export type EscalationDto = z.infer<typeof EscalationSchema>;

export const IncidentListResponseSchema = z.object({
  incidents: z.array(IncidentSchema.extend({ escalation: EscalationSchema })),
});
export type IncidentListResponse = z.infer<typeof IncidentListResponseSchema>;

export const TimelineEntrySchema = z.object({
  id: z.number(),
  time: z.number(),
  actor: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  text: z.string(),
  details: z.record(z.string(), z.unknown()),
});

export const IncidentLinkSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('finding'), findingId: z.string() }),
  z.object({ kind: z.literal('flow'), flow: FlowRefSchema }),
  z.object({ kind: z.literal('review'), reviewId: z.string(), itemKey: z.string().nullable() }),
]);

export const LinkedFindingSchema = z.object({
  id: z.string(),
  type: z.string(),
  severity: z.string(),
  status: z.enum(['open', 'closed']),
  start: z.number(),
  end: z.number(),
  explanation: z.string(),
  namespace: z.string().nullable(),
  workload: z.string().nullable(),
  peer: z.string().nullable(),
});

export const IncidentDetailResponseSchema = z.object({
  incident: IncidentSchema,
  timeline: z.array(TimelineEntrySchema),
  links: z.array(z.object({ link: IncidentLinkSchema, addedAt: z.number(), addedBy: z.string() })),
  /** Linked findings still held (a finding past retention is missing here but stays linked). */
  findings: z.array(LinkedFindingSchema),
  escalation: EscalationSchema,
  transitions: z.array(z.enum(INCIDENT_STATUSES)),
  /** Default quarantine target `<ns>/<Kind>/<name>`, or null when none is known. */
  workload: z.string().nullable(),
});
export type IncidentDetailResponse = z.infer<typeof IncidentDetailResponseSchema>;

export const OwnerSchema = z.object({
  namespace: z.string(),
  team: z.string().nullable(),
  email: z.array(z.string()),
  slack: z.string().nullable(),
  webhook: z.string().nullable(),
  webhookFormat: z.enum(['json', 'slack']).nullable(),
  source: z.enum(['cluster', 'config', 'cluster+config']),
});
export const OwnersResponseSchema = z.object({ owners: z.array(OwnerSchema) });
export type OwnersResponse = z.infer<typeof OwnersResponseSchema>;

export const NotifyTargetSchema = z.object({
  name: z.string(),
  /** Host only: webhook URLs often carry a secret in their path. */
  host: z.string(),
  format: z.enum(['json', 'slack']),
});

export const NotifyPreviewResponseSchema = z.object({
  title: z.string(),
  markdown: z.string(),
  slackText: z.string(),
  targets: z.array(NotifyTargetSchema),
  owners: z.array(OwnerSchema),
});
export type NotifyPreviewResponse = z.infer<typeof NotifyPreviewResponseSchema>;

export const NotifyResponseSchema = z.object({
  sent: z.array(NotifyTargetSchema.extend({ ok: z.boolean(), error: z.string().nullable() })),
  markdown: z.string(),
});
export type NotifyResponse = z.infer<typeof NotifyResponseSchema>;

export const QuarantinePlanResponseSchema = z.object({
  workload: z.string(),
  pods: z.number(),
  policy: z.object({ namespace: z.string(), name: z.string() }),
  yaml: z.string(),
  cut: z.array(z.string()),
  remaining: z.array(z.string()),
  notes: z.array(z.string()),
  /** Whether a Kubernetes API is configured to apply it; otherwise apply `yaml` with kubectl. */
  clusterApi: z.boolean(),
  kubectl: z.string(),
});
export type QuarantinePlanResponse = z.infer<typeof QuarantinePlanResponseSchema>;

export const QuarantineApplyResponseSchema = z.object({
  action: z.enum(['apply', 'lift']),
  applied: z.boolean(),
  policy: z.object({ namespace: z.string(), name: z.string() }),
  message: z.string(),
  yaml: z.string(),
  kubectl: z.string(),
});
export type QuarantineApplyResponse = z.infer<typeof QuarantineApplyResponseSchema>;

export {
  INCIDENT_KINDS,
  INCIDENT_OUTCOMES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
} from '../domain/incident/types.js';
