/**
 * Ingest worker threads for the server (`ingest.workers`). Parsing a body, checking and
 * enriching its flows, hashing its batches and summing their rollup cells were most of the
 * main thread's ingest time (ADR 0010); a worker does all of that (`ingest-worker.ts`)
 * and hands back its batches (prepared for the SQLite writer, or as flows for PostgreSQL),
 * which the main thread commits through the same group committer as every other write, so
 * concurrent requests still share transactions and each request is answered only after its
 * own batches committed.
 *
 * Only the compiled worker can run (vitest on the TypeScript sources ingests on its own
 * thread). A worker that dies fails the requests it held (their clients send them again, with
 * the same idempotency keys) and is replaced; after repeated deaths its slot stays empty, and
 * with no worker left bodies are ingested on the main thread again.
 *
 * @example
 * const pool = IngestWorkerPool.open({ workers: 2, prepare: store.preparedWrites, committer });
 * const ingest = new IngestService({ store, createParser, committer, offload: pool ?? undefined });
 */
import { Worker } from 'node:worker_threads';

import type { PreparedWrites } from '../store/prepared-batch.js';
import { StorageUnavailableError } from '../store/storage-errors.js';
import { compiledWorker, holdWhileBusy, WorkerSlots } from '../store/worker-slots.js';
import { type EnricherPod, enricherPods, type EnricherWorkerSpec } from './cluster-enricher.js';
import type { BatchCommitter } from './group-commit.js';
import type { IngestObserver, IngestOffload, IngestResult } from './ingest.js';
import { TooManyLinesError } from './ingest.js';
import {
  fromWireError,
  type FromWorker,
  type IngestWorkerData,
  toWireError,
  type ToWorker,
  type WireError,
  type WorkerRunOptions,
} from './ingest-thread-protocol.js';

export interface IngestPoolOptions {
  /** Worker threads, at least 1. */
  workers: number;
  /**
   * What the store's writer takes prepared (`preparedWrites`: SQLite and PostgreSQL), or null
   * for a store that takes batches of flows.
   */
  prepare: PreparedWrites | null;
  /** Commits the workers' batches (the server's group committer). */
  committer: BatchCommitter;
  /**
   * Nice value of each worker thread (0–19; Linux, see `thread-priority.ts`), so that parsing
   * makes way for the main thread's API answers when the cores are busy. Default 0.
   */
  nice?: number;
  /** Receives the workers' counts, as the main thread's runs report them. */
  observer?: IngestObserver;
  /** The compiled worker module. Default: `ingest-worker.js` beside this module. */
  workerFile?: URL;
}

interface Slot {
  worker: Worker;
  runs: Map<number, { resolve: (r: IngestResult) => void; reject: (e: unknown) => void }>;
  /** Which enricher the worker holds: the model generation, 'none', or null before the first. */
  enricher: string | null;
}

/**
 * Old-generation heap of a worker, MB. Bodies above `OFFLOAD_MAX_BYTES` (32 MiB) stay on the
 * main thread. By estimate, not measured: a 32 MiB body as text (up to 64 MB as UTF-16), its
 * lines as much again, and one batch of flows stay well under it.
 */
const WORKER_HEAP_MB = 256;

const workerFile = (given: URL | undefined): URL | null =>
  compiledWorker('ingest-worker.js', import.meta.url, given);

function runError(e: WireError): Error {
  if (e.storage) return new StorageUnavailableError(e.storage, { cause: e.message });
  if (e.tooManyLines !== undefined) return new TooManyLinesError(e.tooManyLines);
  return fromWireError(e);
}

export class IngestWorkerPool implements IngestOffload {
  private readonly slots: WorkerSlots<Slot>;
  private nextRun = 1;
  /** Pods copied out of the model, per generation: one copy for every worker. */
  private pods: { generation: number; pods: EnricherPod[] | null } | null = null;

  private constructor(
    private readonly file: URL,
    private readonly options: IngestPoolOptions,
  ) {
    this.slots = new WorkerSlots(
      Math.floor(options.workers),
      'ingest worker',
      () => this.spawn(),
      (slot, why) => this.failAll(slot, why),
    );
  }

  /** A pool, or null for no workers or without the compiled worker (see the file comment). */
  static open(options: IngestPoolOptions): IngestWorkerPool | null {
    const file = workerFile(options.workerFile);
    if (!file || options.workers < 1) return null;
    return new IngestWorkerPool(file, options);
  }

  get available(): boolean {
    return this.slots.available;
  }

  stats(): { workers: number; inFlight: number; restarts: number } {
    const live = this.slots.live();
    return {
      workers: live.length,
      inFlight: live.reduce((n, s) => n + s.runs.size, 0),
      restarts: this.slots.restarts,
    };
  }

  /** Ingests one body on the least busy worker; resolves after its batches committed. */
  run(
    body: Uint8Array,
    options: WorkerRunOptions,
    enricher: EnricherWorkerSpec | null,
  ): Promise<IngestResult> {
    const slot = this.slots.leastBusy((s) => s.runs.size);
    if (slot === null) return Promise.reject(new Error('the ingest worker pool is closed'));
    this.sendEnricher(slot, enricher);
    const run = this.nextRun++;
    // One copy of exactly the body's bytes, moved to the worker. (Cloning the view would copy
    // its whole backing store: for a small body, Node's shared 8 KiB buffer pool.)
    const bytes = new Uint8Array(body);
    return new Promise<IngestResult>((resolve, reject) => {
      slot.runs.set(run, { resolve, reject });
      holdWhileBusy(slot.worker, slot.runs.size);
      const m: ToWorker = { type: 'run', run, body: bytes, options };
      slot.worker.postMessage(m, [bytes.buffer]);
    });
  }

  /** Stops every worker; bodies in flight fail (nothing of theirs was acknowledged). */
  close(): Promise<void> {
    return this.slots.close(new Error('the ingest worker pool is closed'));
  }

  /** Gives the worker the enricher in force, when it holds another one. */
  private sendEnricher(slot: Slot, spec: EnricherWorkerSpec | null): void {
    const id = spec === null ? 'none' : `g${spec.generation}`;
    if (slot.enricher === id) return;
    slot.enricher = id;
    if (spec === null) {
      slot.worker.postMessage({
        type: 'enricher',
        generation: -1,
        pods: null,
        onlyCluster: null,
        namedCidrs: { byCluster: new Map(), other: [] },
      } satisfies ToWorker);
      return;
    }
    if (this.pods?.generation !== spec.generation) {
      this.pods = {
        generation: spec.generation,
        pods: spec.model === null ? null : enricherPods(spec.model),
      };
    }
    slot.worker.postMessage({
      type: 'enricher',
      generation: spec.generation,
      pods: this.pods.pods,
      onlyCluster: spec.onlyCluster,
      namedCidrs: spec.namedCidrs,
    } satisfies ToWorker);
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    switch (m.type) {
      case 'commit':
        this.options.committer.commit(m.batches).then(
          (results) => this.reply(slot, { type: 'committed', run: m.run, seq: m.seq, results }),
          (err: unknown) =>
            this.reply(slot, {
              type: 'commit-failed',
              run: m.run,
              seq: m.seq,
              error: toWireError(err),
            }),
        );
        return;
      case 'observe':
        this.options.observer?.onBatch(m.format, m.delta, m.seconds);
        return;
      case 'done':
      case 'failed': {
        const p = slot.runs.get(m.run);
        if (!p) return;
        slot.runs.delete(m.run);
        holdWhileBusy(slot.worker, slot.runs.size);
        if (m.type === 'done') p.resolve(m.result);
        else p.reject(runError(m.error));
        return;
      }
    }
  }

  /** Answers a worker, unless it died meanwhile (its runs have failed already). */
  private reply(slot: Slot, m: ToWorker): void {
    if (this.slots.holds(slot)) slot.worker.postMessage(m);
  }

  private spawn(): Slot {
    const data: IngestWorkerData = { prepare: this.options.prepare, nice: this.options.nice ?? 0 };
    const worker = new Worker(this.file, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    const slot: Slot = { worker, runs: new Map(), enricher: null };
    worker.on('message', (m: FromWorker) => this.onMessage(slot, m));
    return slot;
  }

  private failAll(slot: Slot, err: Error): void {
    for (const p of slot.runs.values()) p.reject(err);
    slot.runs.clear();
  }
}
