/**
 * A local Hubble Relay stand-in: a real gRPC server implementing `observer.Observer/GetFlows`
 * from our `.proto`, replaying recorded responses. It honours `since`, the whitelist's event
 * types and verdicts and `follow`, and can cut streams mid-way or restart on the same port so
 * that tests exercise reconnects.
 */
import { grpc, loadPackage, protoDir } from '../sources/grpc-load.js';
import { nsToTimestamp, timestampNs } from '../sources/hubble-relay/relay-json.js';
import { hubbleLines } from '../sources/simulator/emit-hubble.js';
import { createSimulation } from '../sources/simulator/simulation.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A Hubble JSON line (as `hubble observe -o json` prints it) → a GetFlowsResponse object. */
export function responseFromHubbleLine(line: string): Obj {
  const o = JSON.parse(line) as Obj;
  const toTs = (v: unknown): Obj | undefined => {
    if (typeof v !== 'string') return undefined;
    const m = /^(.*?)(?:\.(\d{1,9}))?Z$/.exec(v);
    if (!m) return undefined;
    const secs = BigInt(Math.floor(Date.parse(`${m[1]}Z`) / 1000));
    const nanos = BigInt((m[2] ?? '').padEnd(9, '0') || '0');
    return nsToTimestamp(secs * 1_000_000_000n + nanos);
  };
  const out: Obj = {};
  if (typeof o['node_name'] === 'string') out['node_name'] = o['node_name'];
  if (o['time'] !== undefined) out['time'] = toTs(o['time']);
  if (isObj(o['flow'])) {
    const f: Obj = { ...o['flow'] };
    f['time'] = toTs(f['time']);
    if (typeof f['is_reply'] === 'boolean') f['is_reply'] = { value: f['is_reply'] };
    out['flow'] = f;
  } else if (isObj(o['lost_events'])) {
    out['lost_events'] = o['lost_events'];
  }
  return out;
}

/** A lost-events response at a time (ns). */
export function lostEventsResponse(timeNs: bigint, lost: number, node = 'relay'): Obj {
  return {
    lost_events: { source: 'HUBBLE_RING_BUFFER', num_events_lost: String(lost) },
    node_name: node,
    time: nsToTimestamp(timeNs),
  };
}

/** Realistic recorded responses: a simulated cluster's Hubble events, replies included. */
export function simulatedRelayRecords(seed: number, startMs: number, windowMs: number): Obj[] {
  const sim = createSimulation({ seed });
  const lines = hubbleLines(sim.cluster, sim.window(startMs, windowMs, []), { replies: true });
  return lines.map(responseFromHubbleLine);
}

function responseTimeNs(r: Obj): bigint | null {
  return timestampNs(isObj(r['flow']) ? r['flow']['time'] : r['time']);
}

function matchesFilter(r: Obj, filter: Obj): boolean {
  const flow = r['flow'];
  if (!isObj(flow)) return false;
  const types = filter['event_type'];
  if (Array.isArray(types) && types.length > 0) {
    const et = isObj(flow['event_type']) ? Number(flow['event_type']['type'] ?? 0) : 0;
    if (!types.some((t) => isObj(t) && Number(t['type'] ?? 0) === et)) return false;
  }
  const verdicts = filter['verdict'];
  if (Array.isArray(verdicts) && verdicts.length > 0 && !verdicts.includes(flow['verdict'])) {
    return false;
  }
  return true;
}

/** Lost events and node status always pass; flows must match one whitelist entry, if any. */
export function relayWants(req: Obj, r: Obj): boolean {
  const since = timestampNs(req['since']);
  const t = responseTimeNs(r);
  if (since !== null && t !== null && t < since) return false;
  if (!isObj(r['flow'])) return true;
  const wl = req['whitelist'];
  if (!Array.isArray(wl) || wl.length === 0) return true;
  return wl.some((f) => isObj(f) && matchesFilter(r, f));
}

export interface FakeHubbleRelay {
  address: string;
  port: number;
  /** Requests received, in order (one per connection). */
  requests: Obj[];
  /** End every stream with UNAVAILABLE after this many messages on it (null: never). */
  cutAfter: number | null;
  /** Adds recorded responses; open follow streams receive those that match. */
  push(records: readonly Obj[]): void;
  /** Stops hard (connections reset) and listens again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeHubbleRelay(
  records: readonly Obj[],
  opts: { cutAfter?: number | null; port?: number } = {},
): Promise<FakeHubbleRelay> {
  const pkg = loadPackage(
    protoDir(new URL('../sources/hubble-relay/x', import.meta.url).href, 'proto', 'observer.proto'),
    'observer.proto',
  );
  const service = (
    (pkg['observer'] as grpc.GrpcObject)['Observer'] as grpc.ServiceClientConstructor
  ).service;
  const all: Obj[] = [...records];
  const live = new Set<{ req: Obj; write: (r: Obj) => void }>();
  let server: grpc.Server | null = null;

  const fake: FakeHubbleRelay = {
    address: '',
    port: 0,
    requests: [],
    cutAfter: opts.cutAfter ?? null,
    push(more) {
      all.push(...more);
      for (const l of live) for (const r of more) if (relayWants(l.req, r)) l.write(r);
    },
    async restart() {
      server?.forceShutdown();
      live.clear();
      await listen(fake.port);
    },
    async close() {
      live.clear();
      server?.forceShutdown();
      server = null;
    },
  };

  const getFlows = (call: grpc.ServerWritableStream<Obj, Obj>): void => {
    const req = call.request;
    fake.requests.push(req);
    let sent = 0;
    let done = false;
    const entry = {
      req,
      write: (r: Obj): void => {
        if (done) return;
        if (fake.cutAfter !== null && sent >= fake.cutAfter) {
          done = true;
          live.delete(entry);
          call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'relay: stream cut' });
          return;
        }
        sent++;
        call.write(r);
      },
    };
    call.on('cancelled', () => {
      done = true;
      live.delete(entry);
    });
    for (const r of all) if (relayWants(req, r)) entry.write(r);
    if (done) return;
    if (req['follow'] === true) live.add(entry);
    else call.end();
  };

  async function listen(port: number): Promise<void> {
    const s = new grpc.Server();
    s.addService(service, { GetFlows: getFlows });
    const bound = await new Promise<number>((resolve, reject) =>
      s.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    server = s;
    fake.port = bound;
    fake.address = `127.0.0.1:${bound}`;
  }

  await listen(opts.port ?? 0);
  return fake;
}
