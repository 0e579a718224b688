/**
 * Read worker threads for the SQLite store. better-sqlite3 is synchronous: on the main thread a
 * 50 ms dashboard query holds up every HTTP request and ingest commit behind it. With a pool,
 * the store's heavy reads (flow pages, rollup sums, time series) run on worker threads, each
 * with its own read-only connection to the same file; WAL gives each read the latest committed
 * snapshot while the main connection writes, so a read that follows a commit sees it.
 *
 * A pool exists only for a database file and the compiled worker (`read-worker.js`); vitest on
 * the TypeScript sources and `:memory:` stores read in-process. A worker that dies fails the
 * reads it held and is replaced; after repeated deaths the store reads in-process again.
 *
 * @example
 * const pool = SqliteReadPool.open({ path: './data/netsec.db', workers: 2 });
 * const rows = await pool?.run<RollupRow[]>({ op: 'rollups', args: [query] });
 */
import { Worker } from 'node:worker_threads';

import { InvalidQueryError, type ReadPoolStats } from '../flow-store.js';
import { compiledWorker, holdWhileBusy, WorkerSlots } from '../worker-slots.js';
import type { ReadReply, ReadRequest, ReadWorkerData } from './read-protocol.js';

export interface ReadPoolOptions {
  path: string;
  /** Worker threads, at least 1. */
  workers: number;
  busyTimeoutMs?: number;
  /** Page cache per worker connection, KiB. Default 32768 (32 MiB). */
  cacheKib?: number;
  /**
   * The compiled worker module. Default: `read-worker.js` beside this module. Tests on the
   * TypeScript sources pass the one in `dist/`.
   */
  workerFile?: URL;
}

/** A request without its id, as callers pass it. */
export type ReadCall = ReadRequest extends infer R
  ? R extends ReadRequest
    ? Omit<R, 'id'>
    : never
  : never;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

/** Old-generation heap of a worker, MB: the largest flow page (10,000 flows) needs about 40. */
const WORKER_HEAP_MB = 128;

const workerFile = (given: URL | undefined): URL | null =>
  compiledWorker('read-worker.js', import.meta.url, given);

function toError(e: { name: string; message: string; code?: string }): Error {
  if (e.name === 'InvalidQueryError') return new InvalidQueryError(e.message);
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  return err;
}

export type { ReadPoolStats };

export class SqliteReadPool {
  private readonly slots: WorkerSlots<Slot>;
  private nextId = 1;
  private completed = 0;

  private constructor(
    private readonly file: URL,
    private readonly data: ReadWorkerData,
    workers: number,
  ) {
    this.slots = new WorkerSlots(
      workers,
      'store read worker',
      () => this.spawn(),
      (slot, why) => this.failAll(slot, why),
    );
  }

  /** A pool of `workers` threads, or null when there is nothing to pool (see the file comment). */
  static open(options: ReadPoolOptions): SqliteReadPool | null {
    const file = workerFile(options.workerFile);
    if (!file || options.workers < 1 || options.path === ':memory:' || options.path === '') {
      return null;
    }
    return new SqliteReadPool(
      file,
      {
        path: options.path,
        busyTimeoutMs: Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000)),
        cacheKib: Math.max(1024, Math.floor(options.cacheKib ?? 32_768)),
      },
      Math.floor(options.workers),
    );
  }

  /** True while at least one worker can take reads. */
  get available(): boolean {
    return this.slots.available;
  }

  stats(): ReadPoolStats {
    const live = this.slots.live();
    return {
      workers: live.length,
      inFlight: live.reduce((n, s) => n + s.pending.size, 0),
      completed: this.completed,
      restarts: this.slots.restarts,
    };
  }

  /** Runs one read on the least busy worker. */
  run<T>(call: ReadCall): Promise<T> {
    const slot = this.slots.leastBusy((s) => s.pending.size);
    if (slot === null) return Promise.reject(new Error('the store read pool is closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      holdWhileBusy(slot.worker, slot.pending.size);
      slot.worker.postMessage({ ...call, id } as ReadRequest);
    });
  }

  /** Stops every worker; reads still in flight fail. */
  close(): Promise<void> {
    return this.slots.close(new Error('the store read pool is closed'));
  }

  private spawn(): Slot {
    // A bounded heap keeps the process's memory bounded: V8 lets an idle heap grow lazily.
    const worker = new Worker(this.file, {
      workerData: this.data,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: ReadReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      holdWhileBusy(worker, slot.pending.size);
      this.completed++;
      if ('error' in reply) p.reject(toError(reply.error));
      else p.resolve(reply.result);
    });
    return slot;
  }

  private failAll(slot: Slot, err: Error): void {
    for (const p of slot.pending.values()) p.reject(err);
    this.completed += slot.pending.size;
    slot.pending.clear();
  }
}
