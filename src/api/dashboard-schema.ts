/**
 * Zod schemas of the dashboard API (`GET /api/v1/dashboard/...`). The server validates every
 * request with them; the web UI imports the inferred types (and the small constant lists) so
 * that both sides agree without copying.
 *
 * Query strings carry lists either as repeated keys (`?namespace=a&namespace=b`) or comma
 * separated (`?namespace=a,b`); both normalise to arrays.
 */
import { z } from 'zod';

import { DIRECTIONS, PROTOCOLS, SOURCE_FORMATS, VERDICTS } from '../domain/flow.js';

export { DIRECTIONS, PROTOCOLS, SOURCE_FORMATS, VERDICTS };

/** Kubernetes names and label values never contain commas; they are the list separator. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => {
    if (v === undefined || v === null || v === '') return undefined;
    const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(','));
    const kept = parts.map((s) => s.trim()).filter((s) => s !== '');
    return kept.length === 0 ? undefined : kept;
  }, z.array(item).max(200).optional());

const epochMs = z.coerce.number().int().min(0).max(8.64e15);
const name = z.string().min(1).max(253);

/** Window and the cluster/namespace variables every page shares. */
export const ScopeQuerySchema = z
  .object({
    from: epochMs,
    to: epochMs,
    cluster: list(name),
    namespace: list(name),
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] });
export type ScopeQuery = z.infer<typeof ScopeQuerySchema>;

/** Every FlowFilter field, as the flow explorer sends it. */
export const FlowFilterQuerySchema = z
  .object({
    from: epochMs.optional(),
    to: epochMs.optional(),
    cluster: list(name),
    namespace: list(name),
    workload: name.optional(),
    pod: name.optional(),
    ip: z.string().min(2).max(64).optional(),
    port: z.coerce.number().int().min(0).max(65535).optional(),
    protocol: list(z.enum(PROTOCOLS)),
    verdict: list(z.enum(VERDICTS)),
    direction: list(z.enum(DIRECTIONS)),
    reason: list(z.string().min(1).max(64)),
    policy: z.string().min(1).max(512).optional(),
    source: list(z.enum(SOURCE_FORMATS)),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: 'from must be before to',
    path: ['from'],
  });
export type FlowFilterQuery = z.infer<typeof FlowFilterQuerySchema>;

export const FlowPageQuerySchema = z.intersection(
  FlowFilterQuerySchema,
  z.object({
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
    cursor: z.string().max(512).optional(),
  }),
);
export type FlowPageQuery = z.infer<typeof FlowPageQuerySchema>;

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export const ExportQuerySchema = z.intersection(
  FlowFilterQuerySchema,
  z.object({
    format: z.enum(EXPORT_FORMATS),
    limit: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
  }),
);
export type ExportQuery = z.infer<typeof ExportQuerySchema>;

export const SERIES_VERDICTS = ['denied', 'allowed'] as const;
export const SERIES_GROUPS = ['namespace', 'workload'] as const;
export const SERIES_DIRECTIONS = ['ingress', 'egress', 'any'] as const;
export const METRICS = ['flows', 'packets', 'bytes'] as const;
export type Metric = (typeof METRICS)[number];

export const TimeSeriesQuerySchema = z.intersection(
  ScopeQuerySchema,
  z.object({
    verdict: z.enum(SERIES_VERDICTS),
    groupBy: z.enum(SERIES_GROUPS).default('namespace'),
    direction: z.enum(SERIES_DIRECTIONS).default('any'),
    /** `auto`: packets when the sources in the window report them, else flows. */
    metric: z.enum([...METRICS, 'auto']).default('auto'),
    /** Divide by the step to get a rate per second (the reference panels' unit). */
    rate: z.enum(['true', 'false']).default('false'),
    maxSeries: z.coerce.number().int().min(1).max(50).default(12),
  }),
);
export type TimeSeriesQuery = z.infer<typeof TimeSeriesQuerySchema>;

/** A workload (or an external group) on one side of a connection. */
export const PeerSchema = z.object({
  namespace: z.string().nullable(),
  workload: z.string().nullable(),
  kind: z.string(),
});
export type Peer = z.infer<typeof PeerSchema>;

/** The key of one denied-traffic group; carried in the URL to open its drawer. */
export const DeniedGroupKeySchema = z.object({
  cluster: name,
  src: PeerSchema,
  dst: PeerSchema,
  port: z.number().int().min(0).max(65535).nullable(),
  protocol: z.enum(PROTOCOLS),
  direction: z.enum(DIRECTIONS),
  reason: z.string().max(64),
  policy: z.string().max(512),
});
export type DeniedGroupKey = z.infer<typeof DeniedGroupKeySchema>;

export const DeniedGroupsQuerySchema = z.intersection(
  ScopeQuerySchema,
  z.object({ limit: z.coerce.number().int().min(1).max(5000).default(500) }),
);
export type DeniedGroupsQuery = z.infer<typeof DeniedGroupsQuerySchema>;

export const DeniedDetailQuerySchema = z.intersection(
  ScopeQuerySchema,
  z.object({
    group: z
      .string()
      .max(4096)
      .transform((text, ctx) => {
        try {
          return DeniedGroupKeySchema.parse(JSON.parse(text));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'group must be a JSON denied-group key' });
          return z.NEVER;
        }
      }),
  }),
);
export type DeniedDetailQuery = z.infer<typeof DeniedDetailQuerySchema>;

export const EdgeFlowsQuerySchema = z.intersection(
  ScopeQuerySchema,
  z.object({
    edge: z
      .string()
      .max(4096)
      .transform((text, ctx) => {
        try {
          return z.object({ src: PeerSchema, dst: PeerSchema }).parse(JSON.parse(text));
        } catch {
          ctx.addIssue({ code: 'custom', message: 'edge must be a JSON {src, dst} pair of peers' });
          return z.NEVER;
        }
      }),
  }),
);
export type EdgeFlowsQuery = z.infer<typeof EdgeFlowsQuerySchema>;

export const ConnectionTestSchema = z.object({
  /** `namespace/pod`, `namespace/workload` or an IP address. */
  from: z.string().min(1).max(300),
  to: z.string().min(1).max(300),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
  port: z.coerce.number().int().min(1).max(65535),
});
export type ConnectionTest = z.infer<typeof ConnectionTestSchema>;

export const PoliciesQuerySchema = z.object({ namespace: list(name) });
export type PoliciesQuery = z.infer<typeof PoliciesQuerySchema>;

export const PolicyDetailQuerySchema = z.object({ namespace: name, name });
export type PolicyDetailQuery = z.infer<typeof PolicyDetailQuerySchema>;

// ---------------------------------------------------------------- responses

/** Counters as stored: `null` means "not reported by this source", never zero. */
const count = z.number().nullable();
const CountersSchema = z.object({ flows: count, packets: count, bytes: count });
export type Counters = z.infer<typeof CountersSchema>;

export const MetaResponseSchema = z.object({
  now: z.number(),
  /** True when the data comes from the demo cluster simulator. */
  demo: z.boolean(),
  clusters: z.array(z.string()),
  namespaces: z.array(z.string()),
  sources: z.array(
    z.object({
      source: z.enum(SOURCE_FORMATS),
      flows: z.boolean(),
      packets: z.boolean(),
      bytes: z.boolean(),
    }),
  ),
  policyModel: z.boolean(),
  suggestFix: z.boolean(),
  oldest: z.number().nullable(),
  newest: z.number().nullable(),
});
export type MetaResponse = z.infer<typeof MetaResponseSchema>;

const RankedSchema = z.object({
  label: z.string(),
  peer: PeerSchema.nullable(),
  ...CountersSchema.shape,
});
export type Ranked = z.infer<typeof RankedSchema>;

const VolumeChangeSchema = z.object({
  cluster: z.string(),
  src: PeerSchema,
  dst: PeerSchema,
  port: z.number().nullable(),
  protocol: z.enum(PROTOCOLS),
  unit: z.enum(METRICS),
  current: z.number(),
  /** Average per window of this length over the baseline period; null without history. */
  usual: z.number().nullable(),
  /** current / usual; null when there is no usual level. */
  ratio: z.number().nullable(),
});
export type VolumeChange = z.infer<typeof VolumeChangeSchema>;

export const OverviewResponseSchema = z.object({
  from: z.number(),
  to: z.number(),
  denied: CountersSchema.extend({ distinctSources: z.number() }),
  allowed: z.object({
    unit: z.enum(METRICS),
    current: z.number(),
    usual: z.number().nullable(),
    ratio: z.number().nullable(),
    /** Some connections' sources do not report `unit`; they are left out of this figure. */
    partial: z.boolean(),
  }),
  /** Sources (cluster and format) that reported during the baseline but not in the window. */
  silentSources: z.array(
    z.object({ cluster: z.string(), source: z.enum(SOURCE_FORMATS), lastSeen: z.number() }),
  ),
  topDeniedSources: z.array(RankedSchema),
  topDeniedDestinations: z.array(RankedSchema),
  topDeniedPorts: z.array(RankedSchema),
  largestChanges: z.array(VolumeChangeSchema),
  baselineFrom: z.number(),
});
export type OverviewResponse = z.infer<typeof OverviewResponseSchema>;

export const SeriesSchema = z.object({
  key: z.string(),
  namespace: z.string().nullable(),
  workload: z.string().nullable(),
  values: z.array(z.number().nullable()),
  max: z.number(),
  sum: z.number(),
  last: z.number(),
});
export type Series = z.infer<typeof SeriesSchema>;

export const TimeSeriesResponseSchema = z.object({
  step: z.number(),
  times: z.array(z.number()),
  /**
   * Start of the last step when it has not ended yet (it holds `now`): its values are still
   * filling, so the charts draw it dashed. Null when every step has ended.
   */
  openFrom: z.number().nullable(),
  unit: z.enum(METRICS),
  perSecond: z.boolean(),
  /** Sources in the window that do not report `unit`: their traffic is missing here. */
  unreportedBy: z.array(z.enum(SOURCE_FORMATS)),
  series: z.array(SeriesSchema),
  /** Series folded into "other" because of maxSeries. */
  folded: z.number(),
});
export type TimeSeriesResponse = z.infer<typeof TimeSeriesResponseSchema>;

export const DeniedGroupSchema = DeniedGroupKeySchema.extend({
  ...CountersSchema.shape,
  firstSeen: z.number(),
  lastSeen: z.number(),
  sources: z.array(z.enum(SOURCE_FORMATS)),
  /** Counts per sparkline bin, in flows when reported, else packets. */
  sparkline: z.array(z.number()),
});
export type DeniedGroup = z.infer<typeof DeniedGroupSchema>;

export const DeniedGroupsResponseSchema = z.object({
  groups: z.array(DeniedGroupSchema),
  sparkStep: z.number(),
  truncated: z.boolean(),
});
export type DeniedGroupsResponse = z.infer<typeof DeniedGroupsResponseSchema>;

/** A flow as the API returns it: the domain Flow plus the store id. */
const EndpointSchema = z.object({
  kind: z.string(),
  namespace: z.string().nullable(),
  pod: z.string().nullable(),
  workload: z.object({ kind: z.string(), name: z.string() }).nullable(),
  labels: z.record(z.string(), z.string()),
  ip: z.string().nullable(),
  dnsNames: z.array(z.string()),
  externalGroup: z.string().nullable(),
  aggregated: z.boolean().optional(),
});
export const FlowRowSchema = z.object({
  id: z.string(),
  time: z.number(),
  cluster: z.string(),
  src: EndpointSchema,
  dst: EndpointSchema,
  protocol: z.enum(PROTOCOLS),
  port: z.number().nullable(),
  direction: z.enum(DIRECTIONS),
  verdict: z.enum(VERDICTS),
  reason: z.string(),
  dropReason: z.string().nullable(),
  policies: z.array(
    z.object({
      kind: z.string(),
      namespace: z.string().nullable(),
      name: z.string(),
      rule: z.string().nullable(),
      action: z.enum(['allow', 'deny', 'pass']).nullable(),
      staged: z.boolean(),
      tier: z.string().nullable(),
    }),
  ),
  ...CountersSchema.shape,
  source: z.enum(SOURCE_FORMATS),
  node: z.string().nullable(),
  /** How many flows this raw event stands for (allowed events are sampled). */
  sampleWeight: z.number(),
});
export type FlowRow = z.infer<typeof FlowRowSchema>;

export const FlowPageResponseSchema = z.object({
  flows: z.array(FlowRowSchema),
  next: z.string().nullable(),
  /**
   * Set when the search ran out of its time budget before the page was full: every event from
   * this time (epoch ms) to the top of the window, or of the cursor, was searched. `next`
   * continues below it.
   */
  searchedTo: z.number().nullable(),
});
export type FlowPageResponse = z.infer<typeof FlowPageResponseSchema>;

export const ExplanationSchema = z.object({
  allowed: z.boolean(),
  /** One sentence a reviewer can read. */
  summary: z.string(),
  /** The engine's steps, in order. */
  steps: z.array(z.string()),
});
export type Explanation = z.infer<typeof ExplanationSchema>;

export const SuggestedFixSchema = z.object({
  yaml: z.string(),
  /** What else the change would allow, in words. */
  blastRadius: z.array(z.string()),
});
export type SuggestedFix = z.infer<typeof SuggestedFixSchema>;

export const DeniedDetailResponseSchema = z.object({
  key: DeniedGroupKeySchema,
  events: z.array(FlowRowSchema),
  /** null: no cluster model is loaded, or the peer cannot be resolved to a pod. */
  explanation: ExplanationSchema.nullable(),
  explanationNote: z.string().nullable(),
  fix: SuggestedFixSchema.nullable(),
  fixNote: z.string().nullable(),
});
export type DeniedDetailResponse = z.infer<typeof DeniedDetailResponseSchema>;

export const AllowedVolumeResponseSchema = z.object({
  rows: z.array(VolumeChangeSchema),
  baselineFrom: z.number(),
});
export type AllowedVolumeResponse = z.infer<typeof AllowedVolumeResponseSchema>;

export const ExternalEgressResponseSchema = z.object({
  rows: z.array(
    z.object({
      destination: z.string(),
      ports: z.array(z.string()),
      sources: z.array(PeerSchema),
      allowed: CountersSchema,
      denied: CountersSchema,
      firstSeen: z.number(),
      lastSeen: z.number(),
    }),
  ),
});
export type ExternalEgressResponse = z.infer<typeof ExternalEgressResponseSchema>;

export const ServiceMapResponseSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.string(),
      namespace: z.string().nullable(),
      workload: z.string(),
      kind: z.string(),
    }),
  ),
  edges: z.array(
    z.object({
      id: z.string(),
      src: z.string(),
      dst: z.string(),
      allowed: CountersSchema,
      denied: CountersSchema,
      ports: z.array(z.string()),
    }),
  ),
  truncated: z.boolean(),
});
export type ServiceMapResponse = z.infer<typeof ServiceMapResponseSchema>;

const PolicySummarySchema = z.object({
  namespace: z.string(),
  name: z.string(),
  policyTypes: z.array(z.string()),
  podSelector: z.string(),
  selectedWorkloads: z.array(z.string()),
  ingressRules: z.number(),
  egressRules: z.number(),
});
export type PolicySummary = z.infer<typeof PolicySummarySchema>;

export const PoliciesResponseSchema = z.object({
  modelLoaded: z.boolean(),
  namespaces: z.array(
    z.object({
      namespace: z.string(),
      policies: z.array(PolicySummarySchema),
      workloads: z.number(),
      /** Workloads that no policy isolates, per direction. */
      unisolatedIngress: z.array(z.string()),
      unisolatedEgress: z.array(z.string()),
    }),
  ),
});
export type PoliciesResponse = z.infer<typeof PoliciesResponseSchema>;

export const PolicyDetailResponseSchema = z.object({
  policy: PolicySummarySchema,
  yaml: z.string(),
  /** Connections the policy allows, as readable lines (peer, ports). */
  allows: z.array(
    z.object({ direction: z.enum(['ingress', 'egress']), peers: z.string(), ports: z.string() }),
  ),
});
export type PolicyDetailResponse = z.infer<typeof PolicyDetailResponseSchema>;

export const ConnectionTestResponseSchema = z.object({
  probe: ConnectionTestSchema,
  explanation: ExplanationSchema,
});
export type ConnectionTestResponse = z.infer<typeof ConnectionTestResponseSchema>;

export const ApiErrorSchema = z.object({
  error: z.string(),
  issues: z.array(z.string()).optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;
