/**
 * Local Goldmane and whisker-backend stand-ins replaying recorded flows: a gRPC server for
 * `goldmane.Flows/Stream` (from our `.proto`) and an HTTP server for `GET /flows?watch=true`
 * as an event stream. Both honour the start time, keep following streams open for pushed
 * flows, and can cut streams after N results to force reconnects.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { startSeconds } from '../sources/goldmane/flow-key.js';
import { grpc, loadPackage, protoDir } from '../sources/grpc-load.js';
import { goldmaneLines } from '../sources/simulator/emit-goldmane.js';
import { createSimulation } from '../sources/simulator/simulation.js';

type Obj = Record<string, unknown>;

/** Whisker JSON lines of a simulated cluster, one window of 15-second intervals after another. */
export function simulatedWhiskerFlows(seed: number, startMs: number, intervals: number): Obj[] {
  const sim = createSimulation({ seed });
  const out: Obj[] = [];
  for (let i = 0; i < intervals; i++) {
    const t = startMs + i * 15_000;
    for (const l of goldmaneLines(sim.window(t, 15_000, []), t, 15_000))
      out.push(JSON.parse(l) as Obj);
  }
  return out;
}

function labelList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string' && v.trim() !== '') return v.split(/\s*\|\s*/);
  return [];
}

function hit(h: unknown): Obj | null {
  if (typeof h !== 'object' || h === null) return null;
  const o = { ...(h as Obj) };
  if (o['trigger'] === null) delete o['trigger'];
  else if (o['trigger'] !== undefined) o['trigger'] = hit(o['trigger']);
  return o;
}

/** Whisker JSON → a Goldmane `Flow` object (nested key, epoch seconds, label lists). */
export function goldmaneFlowFromWhisker(w: Obj): Obj {
  const pol = (w['policies'] ?? {}) as Obj;
  const hits = (v: unknown): Obj[] =>
    Array.isArray(v) ? v.map(hit).filter((h) => h !== null) : [];
  return {
    Key: {
      source_name: w['source_name'],
      source_namespace: w['source_namespace'],
      source_type: w['source_type'] ?? 'WorkloadEndpoint',
      dest_name: w['dest_name'],
      dest_namespace: w['dest_namespace'],
      dest_type: w['dest_type'] ?? 'WorkloadEndpoint',
      dest_port: String(w['dest_port'] ?? 0),
      proto: w['protocol'],
      reporter: w['reporter'],
      action: w['action'],
      policies: {
        enforced_policies: hits(pol['enforced']),
        pending_policies: hits(pol['pending']),
      },
    },
    start_time: String(startSeconds(w['start_time']) ?? 0n),
    end_time: String(startSeconds(w['end_time']) ?? 0n),
    source_labels: labelList(w['source_labels']),
    dest_labels: labelList(w['dest_labels']),
    packets_in: String(w['packets_in'] ?? 0),
    packets_out: String(w['packets_out'] ?? 0),
    bytes_in: String(w['bytes_in'] ?? 0),
    bytes_out: String(w['bytes_out'] ?? 0),
    num_connections_started: String(w['num_connections_started'] ?? 0),
    num_connections_completed: String(w['num_connections_completed'] ?? 0),
    num_connections_live: String(w['num_connections_live'] ?? 0),
  };
}

interface Stream {
  from: bigint | null;
  sent: number;
  write(w: Obj): boolean;
}

export interface FakeGoldmane {
  /** `host:port` for gRPC, or the `/flows` URL for whisker. */
  address: string;
  /** Start times (seconds, or null) requested, one per connection. */
  starts: (bigint | null)[];
  cutAfter: number | null;
  push(flows: readonly Obj[]): void;
  close(): Promise<void>;
}

function wants(from: bigint | null, w: Obj): boolean {
  const s = startSeconds(w['start_time']);
  return from === null || s === null || s >= from;
}

/** Shared replay logic: recorded flows first, then pushed ones, cut after `cutAfter`. */
function replayer(records: readonly Obj[], cutAfter: number | null) {
  const all = [...records];
  const live = new Set<Stream>();
  const state = {
    cutAfter,
    starts: [] as (bigint | null)[],
    attach(s: Stream): void {
      state.starts.push(s.from);
      for (const w of all) if (wants(s.from, w) && !s.write(w)) return;
      live.add(s);
    },
    detach(s: Stream): void {
      live.delete(s);
    },
    push(more: readonly Obj[]): void {
      all.push(...more);
      for (const s of live) for (const w of more) if (wants(s.from, w) && !s.write(w)) break;
    },
    clear(): void {
      live.clear();
    },
  };
  return state;
}

export async function startFakeGoldmane(
  records: readonly Obj[],
  opts: { cutAfter?: number | null } = {},
): Promise<FakeGoldmane> {
  const pkg = loadPackage(
    protoDir(new URL('../sources/goldmane/x', import.meta.url).href, 'proto', 'goldmane.proto'),
    'goldmane.proto',
  );
  const service = ((pkg['goldmane'] as grpc.GrpcObject)['Flows'] as grpc.ServiceClientConstructor)
    .service;
  const r = replayer(records, opts.cutAfter ?? null);
  let id = 0;
  const server = new grpc.Server();
  server.addService(service, {
    Stream(call: grpc.ServerWritableStream<Obj, Obj>) {
      const gte = BigInt(String(call.request['start_time_gte'] ?? '0'));
      const s: Stream = {
        from: gte > 0n ? gte : null,
        sent: 0,
        write(w) {
          if (r.cutAfter !== null && s.sent >= r.cutAfter) {
            r.detach(s);
            call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'goldmane: stream cut' });
            return false;
          }
          s.sent++;
          call.write({ id: String(++id), flow: goldmaneFlowFromWhisker(w) });
          return true;
        },
      };
      call.on('cancelled', () => r.detach(s));
      r.attach(s);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    get starts() {
      return r.starts;
    },
    get cutAfter() {
      return r.cutAfter;
    },
    set cutAfter(v) {
      r.cutAfter = v;
    },
    push: (f) => r.push(f),
    close: async () => {
      r.clear();
      server.forceShutdown();
    },
  };
}

export async function startFakeWhisker(
  records: readonly Obj[],
  opts: { cutAfter?: number | null } = {},
): Promise<FakeGoldmane> {
  const r = replayer(records, opts.cutAfter ?? null);
  const open = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/flows' || url.searchParams.get('watch') !== 'true') {
      res.writeHead(404).end();
      return;
    }
    const gte = url.searchParams.get('startTimeGte');
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write(': stream open\n\n');
    open.add(res);
    const s: Stream = {
      from: gte === null ? null : BigInt(gte),
      sent: 0,
      write(w) {
        if (r.cutAfter !== null && s.sent >= r.cutAfter) return false;
        s.sent++;
        const cut = r.cutAfter !== null && s.sent >= r.cutAfter;
        // The connection drops (no clean end of the stream) once what was written is flushed.
        res.write(`data: ${JSON.stringify(w)}\n\n`, cut ? () => res.socket?.destroy() : undefined);
        if (cut) r.detach(s);
        return !cut;
      },
    };
    res.on('close', () => {
      r.detach(s);
      open.delete(res);
    });
    r.attach(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `http://127.0.0.1:${port}/flows`,
    get starts() {
      return r.starts;
    },
    get cutAfter() {
      return r.cutAfter;
    },
    set cutAfter(v) {
      r.cutAfter = v;
    },
    push: (f) => r.push(f),
    close: async () => {
      r.clear();
      for (const res of open) res.socket?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
