/**
 * Messages between the server's main thread and its ingest worker threads (`ingest-pool.ts`,
 * `ingest-worker.ts`). A worker parses, enriches, batches and (for SQLite) prepares; the main
 * thread owns the store's writes, commits what the worker sent and answers with the results.
 */
import type { BatchResult } from '../store/flow-store.js';
import type { PreparedWrites, StoreBatch } from '../store/prepared-batch.js';
import type { StorageFailure } from '../store/storage-errors.js';
import type { EnricherPod, NamedCidrTable } from './cluster-enricher.js';
import type { IngestCounts, IngestFormat, IngestResult, IngestRunOptions } from './ingest.js';

export interface IngestWorkerData {
  /**
   * What the store's writer takes prepared (its format and sampling rate), or null: the
   * store takes batches of flows, and the worker sends them as they are.
   */
  prepare: PreparedWrites | null;
  /** The worker's nice value (`ingest.workerNice`, Linux): 0 leaves it as the process's. */
  nice: number;
}

/** The options of one run that can cross threads (no callbacks). */
export type WorkerRunOptions = Omit<IngestRunOptions, 'onReject' | 'onProgress'> & {
  /** Stamped on every batch of the run (the main thread's clock, at the request). */
  receivedAt: number;
};

export type ToWorker =
  | { type: 'run'; run: number; body: Uint8Array; options: WorkerRunOptions }
  | { type: 'committed'; run: number; seq: number; results: BatchResult[] }
  | { type: 'commit-failed'; run: number; seq: number; error: WireError }
  | {
      type: 'enricher';
      generation: number;
      pods: EnricherPod[] | null;
      onlyCluster: string | null;
      namedCidrs: NamedCidrTable;
    };

export type FromWorker =
  | { type: 'commit'; run: number; seq: number; batches: StoreBatch[] }
  | { type: 'observe'; format: IngestFormat; delta: IngestCounts; seconds: number | null }
  | { type: 'done'; run: number; result: IngestResult }
  | { type: 'failed'; run: number; error: WireError };

/** An error as it crosses a thread: what classification and the reply need. */
export interface WireError {
  name: string;
  message: string;
  code?: string;
  /** Set when the store could not write (503 with Retry-After). */
  storage?: StorageFailure;
  /** Set when the body had more lines than allowed (413). */
  tooManyLines?: number;
}

export function toWireError(err: unknown): WireError {
  const e = err as Error & { code?: unknown };
  return {
    name: e?.name ?? 'Error',
    message: e?.message ?? String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

/** The error a `WireError` stands for, with its name and code (for classification). */
export function fromWireError(e: WireError): Error {
  const err = new Error(e.message) as Error & { code?: string };
  err.name = e.name;
  if (e.code !== undefined) err.code = e.code;
  return err;
}
