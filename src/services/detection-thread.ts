/**
 * Detection on a thread of its own, for SQLite file stores. A run reads up to 100,000 raw
 * events and runs every detector: seconds of work that, on the main thread, held up requests
 * and ingest (event-loop stalls, a heap of several hundred MB). The thread computes the run on
 * its own connection (WAL: it sees every committed batch) and hands back the findings; the
 * main thread stores them (`persistFindings`), so there is still one writing connection.
 *
 * A thread exists only for a database file and the compiled worker (`detection-worker.js`);
 * vitest on the TypeScript sources and `:memory:` stores run detection in-process. A thread
 * that dies fails the run it held and is started again for the next one.
 *
 * @example
 * const thread = DetectionThread.open({ path: './data/netsec.db', options });
 * const run = await thread?.run({ from, to }, Date.now());
 * await thread?.close();
 */
import { Worker } from 'node:worker_threads';

import type { DetectOptions } from '../domain/detect/options.js';
import { compiledWorker, holdWhileBusy } from '../store/worker-slots.js';
import type { DetectRangeResult } from './detection.js';
import type {
  DetectionThreadData,
  DetectionThreadReply,
  DetectionThreadRequest,
} from './detection-thread-protocol.js';

export interface DetectionThreadOptions {
  path: string;
  options: DetectOptions;
  busyTimeoutMs?: number;
  /** The compiled worker module. Default: `detection-worker.js` beside this module. */
  workerFile?: URL;
  /**
   * Old-generation heap of the thread, MB. Default 384: under the load benchmark a run's heap
   * peaked at about 110 MB with 25,000 denied events.
   */
  heapMb?: number;
}

interface Pending {
  resolve: (r: DetectRangeResult) => void;
  reject: (e: unknown) => void;
}

const workerFile = (given: URL | undefined): URL | null =>
  compiledWorker('detection-worker.js', import.meta.url, given);

export class DetectionThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly file: URL,
    private readonly opts: DetectionThreadOptions,
  ) {}

  /** A thread for this file store, or null where detection must run in-process. */
  static open(opts: DetectionThreadOptions): DetectionThread | null {
    if (opts.path === ':memory:') return null;
    const file = workerFile(opts.workerFile);
    return file ? new DetectionThread(file, opts) : null;
  }

  /** Computes one run on the thread (not stored: see `persistFindings`). */
  run(range: { from: number; to: number }, now: number): Promise<DetectRangeResult> {
    if (this.closed) return Promise.reject(new Error('the detection thread is closed'));
    const worker = this.worker ?? this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      holdWhileBusy(worker, this.pending.size);
      worker.postMessage({ id, range, now } satisfies DetectionThreadRequest);
    });
  }

  /** Stops the thread; a run in progress fails with an error saying so. */
  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    this.worker = null;
    this.failAll(new Error('the detection thread was stopped'));
    if (w) await w.terminate();
  }

  private spawn(): Worker {
    const data: DetectionThreadData = {
      path: this.opts.path,
      busyTimeoutMs: this.opts.busyTimeoutMs ?? 5000,
      options: this.opts.options,
    };
    const w = new Worker(this.file, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: this.opts.heapMb ?? 384 },
    });
    // The thread keeps the process alive only while it computes a run.
    w.unref();
    w.on('message', (reply: DetectionThreadReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      holdWhileBusy(w, this.pending.size);
      if ('result' in reply) p.resolve(reply.result);
      else p.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
    });
    const died = (err: Error): void => {
      if (this.worker !== w) return;
      this.worker = null;
      this.failAll(err);
    };
    w.on('error', died);
    w.on('exit', (code) => died(new Error(`the detection thread exited (code ${code})`)));
    this.worker = w;
    return w;
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
