/**
 * The detection thread (see `detection-thread.ts`): computes detection runs on a connection of
 * its own to the SQLite file, so that reading 100,000 raw events and running the detectors
 * never holds up the main thread's requests and ingest. It computes only (`persist: false`):
 * the main thread stores the findings, through the one connection that writes.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { AllowedMemo, detectRange } from './detection.js';
import { findingStoreFor } from './detection-store.js';
import type {
  DetectionThreadData,
  DetectionThreadReply,
  DetectionThreadRequest,
} from './detection-thread-protocol.js';

const data = workerData as DetectionThreadData;
// Reads run on this thread (no read workers of its own); a smaller page cache than the main
// connection's, as the read workers have.
const store = openSqliteStore({ path: data.path, busyTimeoutMs: data.busyTimeoutMs });
store.db.pragma('cache_size = -32768');
const deps = { store, findings: findingStoreFor(store), options: data.options };
// The allowed-traffic part of the last window, reused by the runs within a step.
const memo = new AllowedMemo();

const port = parentPort;
if (!port) throw new Error('detection-worker.js runs as a worker thread only');
port.on('message', (req: DetectionThreadRequest) => {
  detectRange(deps, req.range, {
    now: req.now,
    persist: false,
    deniedTo: req.now,
    allowedMemo: memo,
  }).then(
    (result) => port.postMessage({ id: req.id, result } satisfies DetectionThreadReply),
    (err: unknown) => {
      const e = err as Error;
      port.postMessage({
        id: req.id,
        error: { name: e?.name ?? 'Error', message: e?.message ?? String(err) },
      } satisfies DetectionThreadReply);
    },
  );
});
