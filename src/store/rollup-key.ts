/**
 * The rollup aggregation key (DESIGN.md §4) computed from a flow, shared by every backend so
 * that the same flow lands in the same group everywhere.
 */
import type { Endpoint, Flow, PolicyRef } from '../domain/flow.js';
import { ROLLUP_KEY_FIELDS } from './flow-store.js';

export interface RollupKey {
  cluster: string;
  srcNamespace: string | null;
  srcWorkload: string | null;
  srcKind: string;
  dstNamespace: string | null;
  dstWorkload: string | null;
  dstKind: string;
  protocol: string;
  port: number | null;
  direction: string;
  verdict: string;
  reason: string;
  policy: string;
  source: string;
}

/** Workload name, else the external group, else the pod name (a bare pod), else null. */
export function endpointGroup(e: Endpoint): string | null {
  return e.workload?.name ?? e.externalGroup ?? e.pod ?? null;
}

/** `ns/name`, or `name` for a cluster-scoped policy. */
export function policyKey(p: Pick<PolicyRef, 'namespace' | 'name'>): string {
  return p.namespace ? `${p.namespace}/${p.name}` : p.name;
}

/**
 * The policy that decided the flow: the first whose action matches the verdict (deny for
 * denied/audit, allow for allowed), else the first listed, else ''.
 */
export function decidingPolicy(flow: Pick<Flow, 'verdict' | 'policies'>): string {
  if (flow.policies.length === 0) return '';
  const want = flow.verdict === 'allowed' ? 'allow' : 'deny';
  const hit = flow.policies.find((p) => p.action === want) ?? flow.policies[0];
  return hit ? policyKey(hit) : '';
}

export function rollupKeyOf(flow: Flow): RollupKey {
  return {
    cluster: flow.cluster,
    srcNamespace: flow.src.namespace,
    srcWorkload: endpointGroup(flow.src),
    srcKind: flow.src.kind,
    dstNamespace: flow.dst.namespace,
    dstWorkload: endpointGroup(flow.dst),
    dstKind: flow.dst.kind,
    protocol: flow.protocol,
    port: flow.port,
    direction: flow.direction,
    verdict: flow.verdict,
    reason: flow.reason,
    policy: decidingPolicy(flow),
    source: flow.source,
  };
}

// Length-prefixed fields: attacker-chosen names cannot forge a separator and merge two keys.
function part(v: string | number | null): string {
  if (v === null) return '~';
  const s = String(v);
  return `${s.length}:${s}`;
}

/** An unambiguous text form of the key, used to deduplicate keys. */
export function rollupKeyText(k: RollupKey): string {
  return (
    part(k.cluster) +
    part(k.srcNamespace) +
    part(k.srcWorkload) +
    part(k.srcKind) +
    part(k.dstNamespace) +
    part(k.dstWorkload) +
    part(k.dstKind) +
    part(k.protocol) +
    part(k.port) +
    part(k.direction) +
    part(k.verdict) +
    part(k.reason) +
    part(k.policy) +
    part(k.source)
  );
}

/** The key's fields in `rollupKeyText` order (the order of DESIGN.md §4). */
const KEY_FIELDS = ROLLUP_KEY_FIELDS.filter((f): f is keyof RollupKey => f !== 'bucket');

/**
 * The key back from its text (`rollupKeyText`): the SQLite writer gets key texts from ingest
 * worker threads and builds the fields only for keys it has not stored yet.
 * @throws Error when `text` is not a key text (a field is cut short, or text is left over).
 * @example rollupKeyFromText(rollupKeyText(k)) // deep-equals k
 */
export function rollupKeyFromText(text: string): RollupKey {
  const out: Record<string, string | number | null> = {};
  let i = 0;
  for (const field of KEY_FIELDS) {
    let v: string | null;
    if (text[i] === '~') {
      v = null;
      i++;
    } else {
      let len = 0;
      let j = i;
      for (let c = text.charCodeAt(j); c >= 48 && c <= 57; c = text.charCodeAt(++j)) {
        len = len * 10 + (c - 48);
      }
      if (j === i || text[j] !== ':' || j + 1 + len > text.length) {
        throw new Error(`not a rollup key text: field ${field} at offset ${i} is cut short`);
      }
      v = text.slice(j + 1, j + 1 + len);
      i = j + 1 + len;
    }
    out[field] = field === 'port' && v !== null ? Number(v) : v;
  }
  if (i !== text.length) throw new Error(`not a rollup key text: text left at offset ${i}`);
  return out as unknown as RollupKey;
}

/** `rollupKeyText(rollupKeyOf(flow))` without building the key object: the hot path of ingest. */
export function rollupKeyTextOf(f: Flow): string {
  return (
    part(f.cluster) +
    part(f.src.namespace) +
    part(endpointGroup(f.src)) +
    part(f.src.kind) +
    part(f.dst.namespace) +
    part(endpointGroup(f.dst)) +
    part(f.dst.kind) +
    part(f.protocol) +
    part(f.port) +
    part(f.direction) +
    part(f.verdict) +
    part(f.reason) +
    part(decidingPolicy(f)) +
    part(f.source)
  );
}
