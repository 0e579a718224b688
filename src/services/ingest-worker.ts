/**
 * An ingest worker thread (see `ingest-pool.ts`). For each request body it runs the same
 * `IngestService` as the main thread (parse, check, enrich, cut into batches with their ids,
 * count), but its committer hands each batch to the main thread, which commits it through the
 * store and answers. The worker first prepares the batch for the store's writer (`prepareBatch`
 * for SQLite, `preparePgBatch` for PostgreSQL: raw rows, keys, summed rollup cells, version
 * sightings). So the main thread no longer parses or reduces flows: it keeps only the writes.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { createParser } from '../formats/registry.js';
import type { BatchResult } from '../store/flow-store.js';
import type { IngestBatch } from '../store/flow-store.js';
import { preparePgBatch } from '../store/postgres/prepared-batch-pg.js';
import { isAnyPrepared, type PreparedWrites, type StoreBatch } from '../store/prepared-batch.js';
import { prepareBatch } from '../store/sqlite/prepared-batch.js';
import { StorageUnavailableError } from '../store/storage-errors.js';
import { workerEnricher } from './cluster-enricher.js';
import type { BatchCommitter } from './group-commit.js';
import { bodyLines, type FlowEnricher, IngestService, TooManyLinesError } from './ingest.js';
import {
  fromWireError,
  type FromWorker,
  type IngestWorkerData,
  toWireError,
  type ToWorker,
} from './ingest-thread-protocol.js';
import { lowerThreadPriority } from './thread-priority.js';

const data = workerData as IngestWorkerData;
const port = parentPort;
if (!port) throw new Error('ingest-worker.js runs as a worker thread only');
const post = (m: FromWorker): void => port.postMessage(m);
// Best effort: a thread that keeps its priority still ingests (see thread-priority.ts).
if (data.nice > 0) lowerThreadPriority(data.nice);

/** A batch as the store's writer takes it: prepared for SQLite or PostgreSQL, or its flows. */
function prepareFor(b: IngestBatch, writes: PreparedWrites | null): StoreBatch {
  if (writes === null) return b;
  return writes.format === 'postgres'
    ? preparePgBatch(b, writes.sampleRate)
    : prepareBatch(b, writes.sampleRate);
}

let enricher: FlowEnricher | undefined;
const commits = new Map<
  string,
  { resolve: (r: BatchResult[]) => void; reject: (e: unknown) => void }
>();

function settle(
  run: number,
  seq: number,
): { resolve: (r: BatchResult[]) => void; reject: (e: unknown) => void } | null {
  const key = `${run}:${seq}`;
  const p = commits.get(key);
  commits.delete(key);
  return p ?? null;
}

async function runBody(m: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  const { run, options } = m;
  try {
    const chunks = bodyLines(m.body, options.maxLines);
    let seq = 0;
    const committer: BatchCommitter = {
      commit: (batches) =>
        new Promise<BatchResult[]>((resolve, reject) => {
          const s = seq++;
          commits.set(`${run}:${s}`, { resolve, reject });
          post({
            type: 'commit',
            run,
            seq: s,
            batches: batches.map((b) => (isAnyPrepared(b) ? b : prepareFor(b, data.prepare))),
          });
        }),
    };
    const service = new IngestService({
      createParser,
      committer,
      observer: {
        onBatch: (format, delta, seconds) => post({ type: 'observe', format, delta, seconds }),
      },
      ...(enricher ? { enricher } : {}),
      now: () => options.receivedAt,
    });
    const { maxLines: _checked, receivedAt: _at, ...runOptions } = options;
    post({ type: 'done', run, result: await service.ingestLines(chunks, runOptions) });
  } catch (err) {
    const error = toWireError(err);
    if (err instanceof StorageUnavailableError) error.storage = err.failure;
    if (err instanceof TooManyLinesError) error.tooManyLines = err.limit;
    post({ type: 'failed', run, error });
  }
}

port.on('message', (m: ToWorker) => {
  switch (m.type) {
    case 'run':
      void runBody(m);
      return;
    case 'committed':
      settle(m.run, m.seq)?.resolve(m.results);
      return;
    case 'commit-failed':
      settle(m.run, m.seq)?.reject(fromWireError(m.error));
      return;
    case 'enricher':
      enricher = workerEnricher(m.pods, m.onlyCluster, m.namedCidrs);
      return;
  }
});
