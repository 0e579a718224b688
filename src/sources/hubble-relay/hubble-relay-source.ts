/**
 * Hubble Relay source: `observer.Observer/GetFlows` with `follow`, `since` and a whitelist.
 * Reconnects with exponential backoff and jitter, restarts at the newest delivered time minus a
 * short window and skips flows already delivered (by uuid), and passes `lost_events` on as
 * records so the ingest counts them.
 */
import { Backoff, sleep } from '../backoff.js';
import { LineBatcher, type Pending } from '../batcher.js';
import { DedupeWindow } from '../dedupe-window.js';
import {
  channelCredentials,
  channelOptions,
  type grpc,
  loadPackage,
  protoDir,
  type TlsOptions,
} from '../grpc-load.js';
import type { Source, SourceHealthSnapshot, SourceOptions, SourceSink } from '../source.js';
import { HealthTracker } from '../source-health.js';
import { nsToTimestamp, relayResponseToLine } from './relay-json.js';

/** Which events to ask for: policy verdicts and drops (the default), or everything. */
export type HubbleFilter = 'policy' | 'all';

export interface HubbleRelayOptions extends SourceOptions {
  /** `host:port` of Hubble Relay (4245 by default in Cilium installs). */
  address: string;
  tls?: TlsOptions | null;
  filter?: HubbleFilter;
  /** First connection: flows since this time (epoch ms); later ones resume on their own. */
  sinceMs?: number | null;
  /** How far before the newest delivered flow a reconnect restarts (out-of-order slack). */
  resumeWindowMs?: number;
  maxBatchLines?: number;
  maxBatchDelayMs?: number;
}

type Obj = Record<string, unknown>;

/** Policy-verdict events (monitor type 5) and drop events (type 1), plus AUDIT verdicts. */
export function policyWhitelist(): Obj[] {
  return [{ event_type: [{ type: 5 }] }, { event_type: [{ type: 1 }] }, { verdict: ['AUDIT'] }];
}

let observerCtor: grpc.ServiceClientConstructor | null = null;

/** The generated client class (loaded once). */
export function observerClient(): grpc.ServiceClientConstructor {
  if (observerCtor === null) {
    const pkg = loadPackage(protoDir(import.meta.url, 'proto', 'observer.proto'), 'observer.proto');
    observerCtor = (pkg['observer'] as grpc.GrpcObject)[
      'Observer'
    ] as grpc.ServiceClientConstructor;
  }
  return observerCtor;
}

interface Meta {
  key: string;
  timeNs: bigint | null;
}

export class HubbleRelaySource implements Source {
  readonly kind = 'hubble-relay' as const;
  private readonly tracker: HealthTracker;
  private readonly window: DedupeWindow;
  private readonly backoff: Backoff;

  constructor(
    readonly name: string,
    private readonly opts: HubbleRelayOptions,
  ) {
    this.tracker = new HealthTracker(name, 'hubble-relay', opts.now);
    this.window = new DedupeWindow(BigInt(opts.resumeWindowMs ?? 30_000) * 1_000_000n);
    this.backoff = new Backoff(opts.backoff);
  }

  health(): SourceHealthSnapshot {
    return this.tracker.get();
  }

  async start(sink: SourceSink, signal: AbortSignal): Promise<void> {
    const Client = observerClient();
    const tls = this.opts.tls ?? null;
    const client = new Client(
      this.opts.address,
      channelCredentials(tls),
      channelOptions(tls, Math.min(1000, this.opts.backoff?.initialMs ?? 1000)),
    );
    try {
      while (!signal.aborted) {
        try {
          await this.runOnce(client, sink, signal);
        } catch (err) {
          if (!signal.aborted) this.tracker.error(err);
        }
        if (signal.aborted) break;
        this.tracker.state('reconnecting');
        await sleep(this.backoff.next(), signal);
      }
    } finally {
      client.close();
      this.tracker.state('stopped');
    }
  }

  private request(): Obj {
    const req: Obj = { follow: true };
    const resume = this.window.resumeFrom();
    const sinceMs = this.opts.sinceMs ?? null;
    if (resume !== null) req['since'] = nsToTimestamp(resume);
    else if (sinceMs !== null) req['since'] = nsToTimestamp(BigInt(sinceMs) * 1_000_000n);
    if ((this.opts.filter ?? 'policy') === 'policy') req['whitelist'] = policyWhitelist();
    return req;
  }

  private async runOnce(client: grpc.Client, sink: SourceSink, signal: AbortSignal): Promise<void> {
    const getFlows = (
      client as unknown as Record<string, (r: Obj) => grpc.ClientReadableStream<Obj>>
    )['GetFlows'];
    const call = getFlows!.call(client, this.request());
    const cancel = (): void => call.cancel();
    signal.addEventListener('abort', cancel, { once: true });
    const batcher = new LineBatcher<Meta>(
      sink,
      'hubble',
      (items) => this.committed(items),
      this.opts.maxBatchLines,
      this.opts.maxBatchDelayMs,
    );
    let first = true;
    try {
      for await (const msg of call as AsyncIterable<Obj>) {
        if (first) {
          this.tracker.connected();
          first = false;
        }
        const rec = relayResponseToLine(msg);
        if (rec === null) continue;
        const key = rec.uuid ?? rec.line;
        if (this.window.has(key)) {
          this.tracker.duplicate();
          continue;
        }
        const timeMs = rec.timeNs === null ? null : Number(rec.timeNs / 1_000_000n);
        await batcher.add({ line: rec.line, meta: { key, timeNs: rec.timeNs }, timeMs });
        this.backoff.reset();
      }
      await batcher.drain();
    } catch (err) {
      // What arrived whole is written before reconnecting (see `settle`).
      await batcher.settle().catch(() => undefined);
      throw err;
    } finally {
      signal.removeEventListener('abort', cancel);
    }
    if (!signal.aborted) throw new Error('Hubble Relay ended the stream');
  }

  private committed(items: Pending<Meta>[]): void {
    let newest: number | null = null;
    for (const i of items) {
      if (i.meta.timeNs !== null) this.window.commit(i.meta.key, i.meta.timeNs);
      if (i.timeMs !== null && (newest === null || i.timeMs > newest)) newest = i.timeMs;
      const lost = i.line.startsWith('{"lost_events"') ? lostCount(i.line) : 0;
      if (lost > 0) this.tracker.lost(lost);
    }
    this.window.prune();
    this.tracker.delivered(items.length, newest);
  }
}

function lostCount(line: string): number {
  try {
    const o = JSON.parse(line) as { lost_events?: { num_events_lost?: unknown } };
    const n = Number(o.lost_events?.num_events_lost ?? 0);
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}
