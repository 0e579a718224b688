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
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

import { InvalidQueryError, type ReadPoolStats } from '../flow-store.js';
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

/** Deaths within this window, per slot, after which the slot is not replaced again. */
const RESPAWN_WINDOW_MS = 10_000;
const MAX_RESPAWNS = 3;
/** Old-generation heap of a worker, MB: the largest flow page (10,000 flows) needs about 40. */
const WORKER_HEAP_MB = 128;

function workerFile(given: URL | undefined): URL | null {
  if (given) return existsSync(fileURLToPath(given)) ? given : null;
  const file = new URL('./read-worker.js', import.meta.url);
  if (!import.meta.url.endsWith('.js') || !existsSync(fileURLToPath(file))) return null;
  return file;
}

function toError(e: { name: string; message: string; code?: string }): Error {
  if (e.name === 'InvalidQueryError') return new InvalidQueryError(e.message);
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  return err;
}

export type { ReadPoolStats };

export class SqliteReadPool {
  private readonly slots: (Slot | null)[];
  private readonly deaths: number[][];
  private nextId = 1;
  private closed = false;
  private completed = 0;
  private restarts = 0;

  private constructor(
    private readonly file: URL,
    private readonly data: ReadWorkerData,
    workers: number,
  ) {
    this.slots = [];
    this.deaths = [];
    for (let i = 0; i < workers; i++) {
      this.deaths.push([]);
      this.slots.push(this.spawn(i));
    }
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
    return !this.closed && this.slots.some((s) => s !== null);
  }

  stats(): ReadPoolStats {
    const live = this.slots.filter((s): s is Slot => s !== null);
    return {
      workers: live.length,
      inFlight: live.reduce((n, s) => n + s.pending.size, 0),
      completed: this.completed,
      restarts: this.restarts,
    };
  }

  /** Runs one read on the least busy worker. */
  run<T>(call: ReadCall): Promise<T> {
    let best: Slot | null = null;
    for (const s of this.slots) {
      if (s && (best === null || s.pending.size < best.pending.size)) best = s;
    }
    if (this.closed || best === null) {
      return Promise.reject(new Error('the store read pool is closed'));
    }
    const slot = best;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      slot.worker.postMessage({ ...call, id } as ReadRequest);
    });
  }

  /** Stops every worker; reads still in flight fail. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const live = this.slots.filter((s): s is Slot => s !== null);
    this.slots.fill(null);
    await Promise.all(
      live.map(async (s) => {
        this.failAll(s, new Error('the store read pool is closed'));
        await s.worker.terminate();
      }),
    );
  }

  private spawn(index: number): Slot {
    // A bounded heap keeps the process's memory bounded: V8 lets an idle heap grow lazily.
    const worker = new Worker(this.file, {
      workerData: this.data,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    // Reads in flight are promises the caller awaits; an idle pool must not keep a CLI alive.
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (reply: ReadReply) => {
      const p = slot.pending.get(reply.id);
      if (!p) return;
      slot.pending.delete(reply.id);
      this.completed++;
      if ('error' in reply) p.reject(toError(reply.error));
      else p.resolve(reply.result);
    });
    let gone = false;
    const died = (why: Error): void => {
      if (gone) return;
      gone = true;
      this.failAll(slot, why);
      if (this.closed || this.slots[index] !== slot) return;
      const now = Date.now();
      const recent = (this.deaths[index] ?? []).filter((t) => now - t < RESPAWN_WINDOW_MS);
      recent.push(now);
      this.deaths[index] = recent;
      if (recent.length > MAX_RESPAWNS) {
        this.slots[index] = null;
        return;
      }
      this.restarts++;
      this.slots[index] = this.spawn(index);
    };
    worker.on('error', (err) => died(new Error(`store read worker failed: ${err.message}`)));
    worker.on('exit', (code) => died(new Error(`store read worker exited with code ${code}`)));
    return slot;
  }

  private failAll(slot: Slot, err: Error): void {
    for (const p of slot.pending.values()) p.reject(err);
    this.completed += slot.pending.size;
    slot.pending.clear();
  }
}
