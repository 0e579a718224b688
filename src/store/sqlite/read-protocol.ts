/** Messages between the SQLite store and its read workers (`read-pool.ts`, `read-worker.ts`). */
import type { FlowFilter, RollupQuery, TimeSeriesQuery } from '../flow-store.js';

export interface ReadWorkerData {
  path: string;
  busyTimeoutMs: number;
  /** Page cache of the worker's connection, KiB. */
  cacheKib: number;
}

export type ReadRequest =
  | { id: number; op: 'flows'; args: [FlowFilter, { limit?: number; cursor?: string | null }?] }
  | { id: number; op: 'rollups'; args: [RollupQuery] }
  | { id: number; op: 'timeseries'; args: [TimeSeriesQuery] };

export type ReadOp = ReadRequest['op'];

export type ReadReply =
  | { id: number; result: unknown }
  | { id: number; error: { name: string; message: string; code?: string } };
