/**
 * A read worker of the SQLite store (see `read-pool.ts`): opens the database file read-only
 * and answers the store's heavy reads (flow pages, rollup sums, time series, reply bytes) with
 * the same query code as the main connection, so answers cannot differ. WAL lets it read
 * committed data while the main thread writes.
 */
import { parentPort, workerData } from 'node:worker_threads';

import Database from 'better-sqlite3';

import { queryFlows, queryReplyBytes } from './flow-query.js';
import {
  type PackedRollups,
  type PackedTimeSeries,
  packRollups,
  packTimeSeries,
  type ReadReply,
  type ReadRequest,
  type ReadWorkerData,
} from './read-protocol.js';
import { queryRollups, queryTimeSeries } from './rollup-query.js';

const data = workerData as ReadWorkerData;
const db = new Database(data.path, { readonly: true, fileMustExist: true });
db.pragma(`busy_timeout = ${data.busyTimeoutMs}`);
db.pragma(`cache_size = -${data.cacheKib}`);

function run(req: ReadRequest): unknown {
  switch (req.op) {
    case 'flows':
      return queryFlows(db, req.args[0], req.args[1]);
    case 'rollups':
      return packRollups(queryRollups(db, req.args[0]));
    case 'timeseries':
      return packTimeSeries(queryTimeSeries(db, req.args[0]));
    case 'replyBytes':
      return queryReplyBytes(db, req.args[0]);
  }
}

const port = parentPort;
if (!port) throw new Error('read-worker.js runs as a worker thread only');
// The pool stops a worker with terminate(); every message is a read.
port.on('message', (req: ReadRequest) => {
  let reply: ReadReply;
  try {
    reply = { id: req.id, result: run(req) };
  } catch (err) {
    const e = err as Error & { code?: unknown };
    reply = {
      id: req.id,
      error: {
        name: e.name ?? 'Error',
        message: e.message ?? String(err),
        ...(typeof e.code === 'string' ? { code: e.code } : {}),
      },
    };
  }
  // Packed bins and series values move to the main thread instead of being copied.
  const packed =
    'result' in reply ? (reply.result as Partial<PackedRollups & PackedTimeSeries>) : null;
  const array = packed?.bins ?? packed?.values;
  const buffer = array instanceof Float64Array ? array.buffer : null;
  port.postMessage(reply, buffer instanceof ArrayBuffer ? [buffer] : []);
});
