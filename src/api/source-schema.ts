/**
 * HTTP API of source health (`GET /api/v1/sources`) and the policy-change journal
 * (`GET /api/v1/policy-changes`), shared with the web UI.
 */
import { z } from 'zod';

/** How a source is doing, as the UI and the review show it. */
export const SOURCE_HEALTH_STATES = [
  'healthy',
  'lagging',
  'silent',
  'failing',
  'starting',
] as const;
export const SourceHealthStateSchema = z.enum(SOURCE_HEALTH_STATES);
export type SourceHealthState = z.infer<typeof SourceHealthStateSchema>;

export const SourceStatusSchema = z.object({
  /** The spec without query and credentials, `kubernetes:<server>`, or `ingest:<format>`. */
  name: z.string(),
  /** The plugin kind (`hubble-relay`, `promql`, `kubernetes`, …) or `ingest` for pushed batches. */
  kind: z.string(),
  health: SourceHealthStateSchema,
  /** Why the health is what it is, in one line. */
  reason: z.string(),
  /** The plugin's connection state (`connected`, `reconnecting`, …); null for pushed batches. */
  connection: z.string().nullable(),
  lastDataAt: z.number().nullable(),
  lastBatchAt: z.number().nullable(),
  lagMs: z.number().nullable(),
  records: z.number().nullable(),
  lostEvents: z.number(),
  errors: z.number().nullable(),
  lastError: z.string().nullable(),
  reconnects: z.number().nullable(),
});
export type SourceStatus = z.infer<typeof SourceStatusSchema>;

export const SourcesResponseSchema = z.object({
  now: z.number(),
  sources: z.array(SourceStatusSchema),
  /** Thresholds used: silent after, lagging above (ms). */
  thresholds: z.object({ silentAfterMs: z.number(), laggingAboveMs: z.number() }),
});
export type SourcesResponse = z.infer<typeof SourcesResponseSchema>;

const time = z.union([z.coerce.number().int(), z.iso.datetime({ offset: true })]);

export const PolicyChangesQuerySchema = z.strictObject({
  /** Epoch ms or RFC 3339; default 7 days before `to`. */
  from: z.optional(time),
  /** Epoch ms or RFC 3339; default now. */
  to: z.optional(time),
  cluster: z.optional(z.string().min(1)),
  namespace: z.optional(z.string().min(1)),
  kind: z.optional(z.enum(['NetworkPolicy', 'Namespace'])),
  limit: z.optional(z.coerce.number().int().min(1).max(10_000)),
});
export type PolicyChangesQuery = z.infer<typeof PolicyChangesQuerySchema>;

export const PolicyChangeSchema = z.object({
  id: z.string(),
  time: z.number(),
  cluster: z.string(),
  kind: z.enum(['NetworkPolicy', 'Namespace']),
  type: z.enum(['added', 'modified', 'deleted']),
  namespace: z.string(),
  name: z.string(),
  resourceVersion: z.string().nullable(),
  seenBy: z.enum(['watch', 'relist', 'startup']),
  summary: z.string(),
  diff: z.array(z.string()),
  after: z.unknown(),
});
export type PolicyChange = z.infer<typeof PolicyChangeSchema>;

export const PolicyChangesResponseSchema = z.object({
  from: z.number(),
  to: z.number(),
  changes: z.array(PolicyChangeSchema),
  /** Whether this server watches a cluster (config `kubernetes`); without it nothing is journaled. */
  watching: z.boolean(),
});
export type PolicyChangesResponse = z.infer<typeof PolicyChangesResponseSchema>;
