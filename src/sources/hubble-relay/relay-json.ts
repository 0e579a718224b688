/**
 * Decoded `GetFlowsResponse` objects → the JSON lines `hubble observe -o json` prints, which
 * the Hubble parser already maps to flows. Only the protobuf-JSON details differ from what
 * proto-loader hands out: timestamps become RFC 3339 text and wrapper values are unwrapped.
 */
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `{seconds, nanos}` → epoch nanoseconds as a bigint (exact, for ordering). */
export function timestampNs(t: unknown): bigint | null {
  if (!isObj(t)) return null;
  const s = t['seconds'];
  const n = t['nanos'];
  try {
    const secs = BigInt(typeof s === 'string' || typeof s === 'number' ? s : 0);
    const nanos = BigInt(typeof n === 'number' ? n : typeof n === 'string' ? n : 0);
    return secs * 1_000_000_000n + nanos;
  } catch {
    return null;
  }
}

/** RFC 3339 with nine fraction digits, as Hubble prints it. */
export function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString();
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac.padStart(9, '0')}Z`;
}

export function nsToTimestamp(ns: bigint): { seconds: string; nanos: number } {
  return { seconds: (ns / 1_000_000_000n).toString(), nanos: Number(ns % 1_000_000_000n) };
}

function unwrap(v: unknown): unknown {
  return isObj(v) && 'value' in v && Object.keys(v).length === 1 ? v['value'] : v;
}

function normaliseFlow(flow: Obj): Obj {
  const out: Obj = { ...flow };
  const ns = timestampNs(flow['time']);
  if (ns !== null) out['time'] = rfc3339Nano(ns);
  if ('is_reply' in flow) out['is_reply'] = unwrap(flow['is_reply']);
  return out;
}

export interface RelayLine {
  line: string;
  kind: 'flow' | 'lost';
  /** Event time in ns, when the record has one. */
  timeNs: bigint | null;
  uuid: string | null;
  lost: number;
}

/** One response → one Hubble JSON line, or null for node status messages (not data). */
export function relayResponseToLine(resp: Obj): RelayLine | null {
  const envNs = timestampNs(resp['time']);
  const env: Obj = {};
  if (typeof resp['node_name'] === 'string' && resp['node_name'] !== '') {
    env['node_name'] = resp['node_name'];
  }
  if (isObj(resp['flow'])) {
    const flow = resp['flow'];
    const timeNs = timestampNs(flow['time']) ?? envNs;
    const body: Obj = { flow: normaliseFlow(flow), ...env };
    if (envNs !== null) body['time'] = rfc3339Nano(envNs);
    const uuid = typeof flow['uuid'] === 'string' && flow['uuid'] !== '' ? flow['uuid'] : null;
    return { line: JSON.stringify(body), kind: 'flow', timeNs, uuid, lost: 0 };
  }
  if (isObj(resp['lost_events'])) {
    const lost = { ...resp['lost_events'] };
    if ('cpu' in lost) lost['cpu'] = unwrap(lost['cpu']);
    const body: Obj = { lost_events: lost, ...env };
    if (envNs !== null) body['time'] = rfc3339Nano(envNs);
    const n = Number(lost['num_events_lost'] ?? 0);
    return {
      line: JSON.stringify(body),
      kind: 'lost',
      timeNs: envNs,
      uuid: null,
      lost: Number.isFinite(n) ? n : 0,
    };
  }
  return null;
}
