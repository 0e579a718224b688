/**
 * The domain `Flow` as a zod schema: the native NDJSON format (version `"v": 1`, one flow per
 * line) and the flow objects of the HTTP API. A compile-time check keeps it equal to the
 * domain type.
 */
import { z } from 'zod';

import {
  DIRECTIONS,
  type Endpoint,
  ENDPOINT_KINDS,
  type Flow,
  FLOW_REASONS,
  type PolicyRef,
  PROTOCOLS,
  SOURCE_FORMATS,
  VERDICTS,
} from '../domain/flow.js';

const count = z.number().nonnegative().finite().nullable();

export const WorkloadRefSchema = z.object({ kind: z.string().min(1), name: z.string().min(1) });

export const EndpointSchema = z.object({
  kind: z.enum(ENDPOINT_KINDS),
  namespace: z.string().nullable(),
  pod: z.string().nullable(),
  workload: WorkloadRefSchema.nullable(),
  labels: z.record(z.string(), z.string()),
  ip: z.string().nullable(),
  dnsNames: z.array(z.string()),
  externalGroup: z.string().nullable(),
  aggregated: z.boolean().optional(),
});

export const PolicyRefSchema = z.object({
  kind: z.string().min(1),
  namespace: z.string().nullable(),
  name: z.string(),
  rule: z.string().nullable(),
  action: z.enum(['allow', 'deny', 'pass']).nullable(),
  staged: z.boolean(),
  tier: z.string().nullable(),
});

export const FlowSchema = z.object({
  time: z.number().int(),
  cluster: z.string().min(1),
  src: EndpointSchema,
  dst: EndpointSchema,
  protocol: z.enum(PROTOCOLS),
  port: z.number().int().min(0).max(65535).nullable(),
  direction: z.enum(DIRECTIONS),
  verdict: z.enum(VERDICTS),
  reason: z.enum(FLOW_REASONS),
  dropReason: z.string().nullable(),
  policies: z.array(PolicyRefSchema),
  flows: count,
  packets: count,
  bytes: count,
  bytesToDst: count,
  bytesToSrc: count,
  source: z.enum(SOURCE_FORMATS),
  node: z.string().nullable(),
  durationMs: z.number().int().nonnegative(),
});

export const NATIVE_FLOW_VERSION = 1;

/** One line of native NDJSON: a Flow plus its format version. Unknown keys are dropped. */
export const NativeFlowSchema = FlowSchema.extend({ v: z.literal(NATIVE_FLOW_VERSION) });
export type NativeFlow = z.infer<typeof NativeFlowSchema>;

type Equals<A, B> =
  (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

// Compile-time guarantees that the schemas describe exactly the domain types.
const _endpointMatches: Equals<z.infer<typeof EndpointSchema>, Endpoint> = true;
const _policyMatches: Equals<z.infer<typeof PolicyRefSchema>, PolicyRef> = true;
const _flowMatches: Equals<z.infer<typeof FlowSchema>, Flow> = true;
void [_endpointMatches, _policyMatches, _flowMatches];

/** A Flow as one native NDJSON line (without the newline). */
export function toNativeLine(flow: Flow): string {
  return JSON.stringify({ v: NATIVE_FLOW_VERSION, ...flow });
}
