/**
 * Mapping from domain flows to SQLite `flow_events` rows. Reading rows back (validated with zod)
 * is shared by every backend: see ../raw-row.ts.
 */
import type { Endpoint, Flow } from '../../domain/flow.js';
import { ipKey } from '../ip-key.js';
import { endpointExtra as extra, policiesJson } from '../raw-row.js';
import { policyKey } from '../rollup-key.js';

/** Column order of the raw insert; `rawParams` returns values in the same order. */
export const RAW_COLUMNS = [
  'time',
  'cluster',
  ...(['src', 'dst'] as const).flatMap((p) =>
    ['kind', 'ns', 'pod', 'wl_kind', 'wl', 'ip', 'ip_key', 'group', 'extra'].map(
      (c) => `${p}_${c}`,
    ),
  ),
  'protocol',
  'port',
  'direction',
  'verdict',
  'reason',
  'drop_reason',
  'policies',
  'policy_keys',
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

type SqlValue = string | number | Buffer | null;

function pushEndpoint(out: SqlValue[], e: Endpoint): void {
  out.push(
    e.kind,
    e.namespace,
    e.pod,
    e.workload?.kind ?? null,
    e.workload?.name ?? null,
    e.ip,
    ipKey(e.ip),
    e.externalGroup,
    extra(e),
  );
}

/** `|a/b|c|`: searched with instr(), which has no wildcards to escape. */
function policyKeys(flow: Flow): string | null {
  if (flow.policies.length === 0) return null;
  let s = '|';
  for (const p of flow.policies) s += `${policyKey(p).replaceAll('|', '')}|`;
  return s;
}

export function rawParams(flow: Flow, weight: number): SqlValue[] {
  const out: SqlValue[] = [flow.time, flow.cluster];
  pushEndpoint(out, flow.src);
  pushEndpoint(out, flow.dst);
  out.push(
    flow.protocol,
    flow.port,
    flow.direction,
    flow.verdict,
    flow.reason,
    flow.dropReason,
    policiesJson(flow),
    policyKeys(flow),
    flow.flows,
    flow.packets,
    flow.bytes,
    flow.bytesToDst,
    flow.bytesToSrc,
    flow.source,
    flow.node,
    flow.durationMs,
    weight,
  );
  return out;
}
