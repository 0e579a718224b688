/**
 * Backend-neutral mapping of raw-event rows: the JSON `extra` column of an endpoint, and the
 * validation of rows read back into domain flows. Every backend selects the same column names
 * (`RAW_READ_COLUMNS`), so one zod schema checks them all: the database may have been written
 * by another build or edited by hand.
 */
import type { ValidateFunction } from 'ajv';
import { z } from 'zod';

import { compileZodCheck } from '../api/compiled-check.js';
import {
  DIRECTIONS,
  type Endpoint,
  ENDPOINT_KINDS,
  type Flow,
  FLOW_REASONS,
  PROTOCOLS,
  SOURCE_FORMATS,
  VERDICTS,
} from '../domain/flow.js';
import type { StoredFlow } from './flow-store.js';

/**
 * JSON of frozen label maps: parsers share one frozen map per label set across millions of
 * flows (Hubble identities), so most raw events reuse the text. Frozen maps cannot change, so
 * the cached text cannot go stale; the WeakMap lets unused maps go.
 */
const frozenLabelsJson = new WeakMap<object, string>();

/** Labels, DNS names and `aggregated` of an endpoint as compact JSON, or null when all are empty. */
export function endpointExtra(e: Endpoint): string | null {
  let hasLabels = false;
  for (const _k in e.labels) {
    hasLabels = true;
    break;
  }
  if (!hasLabels && e.dnsNames.length === 0 && !e.aggregated) return null;
  if (e.dnsNames.length === 0 && !e.aggregated && Object.isFrozen(e.labels)) {
    let text = frozenLabelsJson.get(e.labels);
    if (text === undefined) {
      text = JSON.stringify({ l: e.labels });
      frozenLabelsJson.set(e.labels, text);
    }
    return text;
  }
  const o: { l?: Record<string, string>; d?: string[]; a?: true } = {};
  if (hasLabels) o.l = e.labels;
  if (e.dnsNames.length > 0) o.d = e.dnsNames;
  if (e.aggregated) o.a = true;
  return JSON.stringify(o);
}

/** The policies of a flow as stored JSON, or null when it has none. */
export function policiesJson(flow: Flow): string | null {
  return flow.policies.length === 0 ? null : JSON.stringify(flow.policies);
}

const ENDPOINT_COLUMNS = ['kind', 'ns', 'pod', 'wl_kind', 'wl', 'ip', 'group', 'extra'] as const;

/** Columns every backend selects for `rowToFlow`, by these names. */
export const RAW_READ_COLUMNS = [
  'id',
  'time',
  'cluster',
  ...(['src', 'dst'] as const).flatMap((p) => ENDPOINT_COLUMNS.map((c) => `${p}_${c}`)),
  'protocol',
  'port',
  'direction',
  'verdict',
  'reason',
  'drop_reason',
  'policies',
  'flows',
  'packets',
  'bytes',
  'bytes_to_dst',
  'bytes_to_src',
  'source',
  'node',
  'duration_ms',
  'sample_weight',
] as const;

const count = z.number().int().nonnegative().nullable();
const text = z.string().nullable();

const endpointRow = (p: 'src' | 'dst'): Record<string, z.ZodType> => ({
  [`${p}_kind`]: z.enum(ENDPOINT_KINDS),
  [`${p}_ns`]: text,
  [`${p}_pod`]: text,
  [`${p}_wl_kind`]: text,
  [`${p}_wl`]: text,
  [`${p}_ip`]: text,
  [`${p}_group`]: text,
  [`${p}_extra`]: text,
});

const RowSchema = z.object({
  id: z.number().int(),
  time: z.number().int(),
  cluster: z.string(),
  ...endpointRow('src'),
  ...endpointRow('dst'),
  protocol: z.enum(PROTOCOLS),
  port: z.number().int().min(0).max(65535).nullable(),
  direction: z.enum(DIRECTIONS),
  verdict: z.enum(VERDICTS),
  reason: z.enum(FLOW_REASONS),
  drop_reason: text,
  policies: text,
  flows: count,
  packets: count,
  bytes: count,
  bytes_to_dst: count,
  bytes_to_src: count,
  source: z.enum(SOURCE_FORMATS),
  node: text,
  duration_ms: z.number().int().nonnegative(),
  sample_weight: z.number().positive(),
});

const ExtraSchema = z.object({
  l: z.record(z.string(), z.string()).optional(),
  d: z.array(z.string()).optional(),
  a: z.literal(true).optional(),
});

const PoliciesSchema = z.array(
  z.object({
    kind: z.string(),
    namespace: z.string().nullable(),
    name: z.string(),
    rule: z.string().nullable(),
    action: z.enum(['allow', 'deny', 'pass']).nullable(),
    staged: z.boolean(),
    tier: z.string().nullable(),
  }),
);

/**
 * Rows are checked by Ajv's compiled validators for the JSON Schemas of the zod schemas above,
 * several times faster per row than zod (ADR 0007); a value Ajv refuses goes to zod, which
 * throws with the field named. A property test holds the two to the same verdicts
 * (`raw-row.test.ts`). `strictNumbers` refuses NaN and Infinity, as zod does. The JSON columns
 * are checked in their output form (`additionalProperties: false`), so `removeAdditional` strips
 * keys zod would strip; the row's own extra columns are never read, so it is checked as input.
 */
interface FastChecks {
  row: ValidateFunction;
  extra: ValidateFunction;
  policies: ValidateFunction;
}
let fastChecks: FastChecks | null = null;

function checks(): FastChecks {
  if (fastChecks) return fastChecks;
  const compile = (schema: z.ZodType, io: 'input' | 'output'): ValidateFunction =>
    compileZodCheck(schema, { io, removeAdditional: true, strictNumbers: true });
  fastChecks = {
    row: compile(RowSchema, 'input'),
    extra: compile(ExtraSchema, 'output'),
    policies: compile(PoliciesSchema, 'output'),
  };
  return fastChecks;
}

/** Whether Ajv checks first (false: zod alone, the reference the property test compares to). */
let fastFirst = true;

/** `value` as `T` when Ajv accepts it; otherwise zod's answer (a parse, or its error). */
function checked<T>(fast: ValidateFunction, schema: z.ZodType<T>, value: unknown): T {
  return fastFirst && fast(value) ? (value as T) : schema.parse(value);
}

/** For tests: `fn` with zod alone checking rows (the behaviour before the fast check). */
export function withZodOnly<T>(fn: () => T): T {
  fastFirst = false;
  try {
    return fn();
  } finally {
    fastFirst = true;
  }
}

function endpointOf(r: Record<string, unknown>, p: 'src' | 'dst'): Endpoint {
  const x = r[`${p}_extra`] as string | null;
  const ex = x === null ? {} : checked(checks().extra, ExtraSchema, JSON.parse(x));
  const wl = r[`${p}_wl`] as string | null;
  const e: Endpoint = {
    kind: r[`${p}_kind`] as Endpoint['kind'],
    namespace: r[`${p}_ns`] as string | null,
    pod: r[`${p}_pod`] as string | null,
    workload: wl === null ? null : { kind: (r[`${p}_wl_kind`] as string | null) ?? '', name: wl },
    labels: ex.l ?? {},
    ip: r[`${p}_ip`] as string | null,
    dnsNames: ex.d ?? [],
    externalGroup: r[`${p}_group`] as string | null,
  };
  if (ex.a) e.aggregated = true;
  return e;
}

/** Validates a raw row and maps it to a domain flow; throws on a row that does not fit. */
export function rowToFlow(row: unknown): StoredFlow {
  const r = checked(checks().row, RowSchema, row);
  const rec = r as unknown as Record<string, unknown>;
  // One literal: spreading a flow into a new object with more keys is V8's slow path.
  return {
    time: r.time,
    cluster: r.cluster,
    src: endpointOf(rec, 'src'),
    dst: endpointOf(rec, 'dst'),
    protocol: r.protocol,
    port: r.port,
    direction: r.direction,
    verdict: r.verdict,
    reason: r.reason,
    dropReason: r.drop_reason,
    policies:
      r.policies === null ? [] : checked(checks().policies, PoliciesSchema, JSON.parse(r.policies)),
    flows: r.flows,
    packets: r.packets,
    bytes: r.bytes,
    bytesToDst: r.bytes_to_dst,
    bytesToSrc: r.bytes_to_src,
    source: r.source,
    node: r.node,
    durationMs: r.duration_ms,
    id: String(r.id),
    sampleWeight: r.sample_weight,
  };
}

/**
 * `rowToFlow` for a row read as an array of `RAW_READ_COLUMNS` values, in that order (SQLite's
 * raw mode, which skips building one object per row in native code: about half the read's cost).
 */
export function rowValuesToFlow(values: readonly unknown[]): StoredFlow {
  const row: Record<string, unknown> = {};
  for (let i = 0; i < RAW_READ_COLUMNS.length; i++) {
    row[RAW_READ_COLUMNS[i] as string] = values[i];
  }
  return rowToFlow(row);
}
