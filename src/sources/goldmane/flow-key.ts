/**
 * Goldmane sends one result per flow key and aggregation interval, so (key, start time) names
 * a result uniquely: it is what a reconnect must not deliver twice. Counters are not part of it.
 */
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Start time in whole seconds from epoch seconds (int64 text) or RFC 3339 text. */
export function startSeconds(v: unknown): bigint | null {
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.floor(v));
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : BigInt(Math.floor(t / 1000));
  }
  return null;
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** Policy hits in one shape whatever the transport (gRPC names, whisker names, numbers as text). */
function hitsKey(list: unknown): string[][] {
  if (!Array.isArray(list)) return [];
  return list
    .filter(isObj)
    .map((h) => [
      text(h['kind']),
      text(h['namespace']),
      text(h['name']),
      text(h['tier']),
      text(h['action']),
      text(h['policy_index']),
      text(h['rule_index']),
    ]);
}

/**
 * The identity of one result, the same for Goldmane's nested `Key` and whisker's flat JSON:
 * endpoints, port, protocol, reporter, action, policy hits and the interval's start.
 */
export function resultKey(flow: Obj): { key: string; start: bigint | null } {
  const k = isObj(flow['Key']) ? flow['Key'] : flow;
  const pol = isObj(k['policies']) ? k['policies'] : {};
  const start = startSeconds(flow['start_time']);
  const parts = [
    text(k['source_name']),
    text(k['source_namespace']),
    text(k['dest_name']),
    text(k['dest_namespace']),
    text(k['dest_port']),
    text(k['proto'] ?? k['protocol']).toLowerCase(),
    text(k['reporter']),
    text(k['action']),
    hitsKey(pol['enforced'] ?? pol['enforced_policies']),
    hitsKey(pol['pending'] ?? pol['pending_policies']),
    start === null ? '' : start.toString(),
  ];
  return { key: JSON.stringify(parts), start };
}
