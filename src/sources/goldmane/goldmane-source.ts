/**
 * Calico Goldmane flows, live: gRPC `goldmane.Flows/Stream` or whisker-backend's
 * `GET /flows?watch=true` event stream. Both resume from the newest delivered interval's start
 * minus a window and skip results already delivered (by flow key and start time), reconnect
 * with backoff and jitter, and hand whisker-style JSON lines to the Goldmane parser.
 */
import { Backoff, sleep } from '../backoff.js';
import { LineBatcher, type Pending } from '../batcher.js';
import { DedupeWindow } from '../dedupe-window.js';
import type {
  Source,
  SourceHealthSnapshot,
  SourceKind,
  SourceOptions,
  SourceSink,
} from '../source.js';
import { HealthTracker } from '../source-health.js';
import { resultKey } from './flow-key.js';

type Obj = Record<string, unknown>;

/** Opens one stream from a start (epoch seconds; null: the server's "now"). */
export type FlowStreamOpener = (
  startSeconds: bigint | null,
  signal: AbortSignal,
) => AsyncIterable<Obj>;

export interface GoldmaneStreamOptions extends SourceOptions {
  /** First connection: results starting at or after this time (epoch ms). */
  sinceMs?: number | null;
  /** Restart this far before the newest delivered interval (late results from slow nodes). */
  resumeWindowMs?: number;
  maxBatchLines?: number;
  maxBatchDelayMs?: number;
  /** Releases the transport (a gRPC channel) once the source stopped. */
  onStop?: () => void;
}

interface Meta {
  key: string;
  start: bigint | null;
}

export class GoldmaneStreamSource implements Source {
  private readonly tracker: HealthTracker;
  private readonly window: DedupeWindow;
  private readonly backoff: Backoff;

  constructor(
    readonly name: string,
    readonly kind: SourceKind,
    private readonly open: FlowStreamOpener,
    private readonly opts: GoldmaneStreamOptions,
  ) {
    this.tracker = new HealthTracker(name, kind, opts.now);
    this.window = new DedupeWindow(BigInt(Math.ceil((opts.resumeWindowMs ?? 60_000) / 1000)));
    this.backoff = new Backoff(opts.backoff);
  }

  health(): SourceHealthSnapshot {
    return this.tracker.get();
  }

  async start(sink: SourceSink, signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        try {
          await this.runOnce(sink, signal);
        } catch (err) {
          if (!signal.aborted) this.tracker.error(err);
        }
        if (signal.aborted) break;
        this.tracker.state('reconnecting');
        await sleep(this.backoff.next(), signal);
      }
    } finally {
      this.opts.onStop?.();
      this.tracker.state('stopped');
    }
  }

  private startSeconds(): bigint | null {
    const resume = this.window.resumeFrom();
    if (resume !== null) return resume;
    const since = this.opts.sinceMs ?? null;
    return since === null ? null : BigInt(Math.floor(since / 1000));
  }

  private async runOnce(sink: SourceSink, signal: AbortSignal): Promise<void> {
    const inner = new AbortController();
    const stop = (): void => inner.abort();
    signal.addEventListener('abort', stop, { once: true });
    const batcher = new LineBatcher<Meta>(
      sink,
      'goldmane',
      (items) => this.committed(items),
      this.opts.maxBatchLines,
      this.opts.maxBatchDelayMs,
    );
    let first = true;
    try {
      for await (const flow of this.open(this.startSeconds(), inner.signal)) {
        if (first) {
          this.tracker.connected();
          first = false;
        }
        const { key, start } = resultKey(flow);
        if (this.window.has(key)) {
          this.tracker.duplicate();
          continue;
        }
        const timeMs = start === null ? null : Number(start) * 1000;
        await batcher.add({ line: JSON.stringify(flow), meta: { key, start }, timeMs });
        this.backoff.reset();
      }
      await batcher.drain();
    } catch (err) {
      // What arrived whole is written before reconnecting (see `settle`).
      await batcher.settle().catch(() => undefined);
      throw err;
    } finally {
      inner.abort();
      signal.removeEventListener('abort', stop);
    }
    if (!signal.aborted) throw new Error(`${this.kind} ended the stream`);
  }

  private committed(items: Pending<Meta>[]): void {
    let newest: number | null = null;
    for (const i of items) {
      if (i.meta.start !== null) this.window.commit(i.meta.key, i.meta.start);
      if (i.timeMs !== null && (newest === null || i.timeMs > newest)) newest = i.timeMs;
    }
    this.window.prune();
    this.tracker.delivered(items.length, newest);
  }
}
