/**
 * The embedded default store (DESIGN.md §5): SQLite through better-sqlite3 in WAL mode.
 *
 * @example
 * const store = openSqliteStore({ path: './data/netsec.db' });
 * await store.writeBatch({ id: 'b1', flows, source: 'hubble', receivedAt: Date.now() });
 * const page = await store.queryFlows({ verdict: ['denied'] }, { limit: 50 });
 * await store.close();
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

import type { VersionSighting } from '../../domain/detect/changes.js';
import type {
  BatchResult,
  FlowFilter,
  FlowPage,
  FlowStore,
  IngestBatch,
  IngestTokenRecord,
  ReplyBytesQuery,
  ReplyBytesRow,
  RetentionPolicy,
  RetentionResult,
  RollupQuery,
  RollupRow,
  SourceHealth,
  StoreExtent,
  StoreStats,
  TimeSeriesQuery,
  TimeSeriesResult,
} from '../flow-store.js';
import type { PreparedWrites, StoreBatch } from '../prepared-batch.js';
import { checkSampleRate, DEFAULT_ALLOWED_SAMPLE_RATE } from '../sampling.js';
import { queryFlows, queryReplyBytes, queryWorkloadVersions } from './flow-query.js';
import { runMigrations, schemaVersion } from './migrate.js';
import {
  type ReadCall,
  type ReadPoolOptions,
  type ReadPoolStats,
  SqliteReadPool,
} from './read-pool.js';
import {
  type PackedRollups,
  type PackedTimeSeries,
  unpackRollups,
  unpackTimeSeries,
} from './read-protocol.js';
import { applyRetention, DEFAULT_RETENTION_CHUNK } from './retention.js';
import { queryRollups, queryTimeSeries } from './rollup-query.js';
import { SQLITE_MIGRATIONS } from './schema.js';
import { createToken, findToken, listTokens, revokeToken } from './tokens.js';
import { BatchWriter } from './write-batch.js';

export const DEFAULT_SQLITE_PATH = './data/netsec.db';

export interface SqliteStoreOptions {
  /** Database file; its directory is created. Default `./data/netsec.db`. `:memory:` for throwaway use. */
  path?: string;
  /** Clock for bookkeeping timestamps (migrations). Default `Date.now`. */
  now?: () => number;
  /** Fraction of allowed flows kept as raw events, 0..1. Default 0.1 (1 in 10). */
  allowedSampleRate?: number;
  /**
   * `FULL` (default) fsyncs the WAL at every commit, so an acknowledged batch survives power
   * loss. `NORMAL` survives process crashes only; see docs/storage.md.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a writer waits for another process's lock, in ms. Default 5000. */
  busyTimeoutMs?: number;
  /** Rows per retention transaction. Default 5000. */
  retentionChunk?: number;
  /**
   * Worker threads for the heavy reads (flow pages, rollups, time series), each with its own
   * read-only connection; 0 (default) reads on the calling thread. See `read-pool.ts`.
   */
  readWorkers?: number;
}

export class SqliteFlowStore implements FlowStore {
  private readonly writer: BatchWriter;
  private pool: SqliteReadPool | null = null;

  constructor(
    /** The open connection, for SQLite-specific tooling and tests. */
    readonly db: Database.Database,
    readonly path: string,
    private readonly options: Required<Pick<SqliteStoreOptions, 'now' | 'retentionChunk'>> & {
      sampleRate: number;
    },
  ) {
    this.writer = new BatchWriter(db, options.sampleRate);
  }

  /**
   * Starts `workers` read worker threads (see `read-pool.ts`). Does nothing for `:memory:`, for
   * 0 workers, or when the compiled worker is absent (the TypeScript sources under vitest).
   */
  startReadWorkers(
    workers: number,
    options: Pick<ReadPoolOptions, 'busyTimeoutMs' | 'workerFile'> = {},
  ): void {
    if (this.pool) throw new Error('read workers are already running');
    this.pool = SqliteReadPool.open({ ...options, path: this.path, workers });
  }

  /** The read pool's figures, or null when reads run on the calling thread. */
  readPoolStats(): ReadPoolStats | null {
    return this.pool?.available ? this.pool.stats() : null;
  }

  /** On a worker when the pool has one, else here. */
  private async read<T>(call: ReadCall, local: () => T): Promise<T> {
    return this.pool?.available ? this.pool.run<T>(call) : local();
  }

  async migrate(): Promise<void> {
    runMigrations(this.db, SQLITE_MIGRATIONS, this.options.now());
  }

  async writeBatch(batch: IngestBatch): Promise<BatchResult> {
    return this.writer.write([batch])[0] as BatchResult;
  }

  /** Batches of flows, prepared batches (`prepared-batch.ts`), or both in one transaction. */
  async writeBatches(batches: readonly StoreBatch[]): Promise<BatchResult[]> {
    return this.writer.write(batches);
  }

  /** What an ingest worker needs to prepare batches for this store (`prepareBatch`). */
  get preparedWrites(): PreparedWrites {
    return { format: 'sqlite', sampleRate: this.options.sampleRate };
  }

  async queryFlows(
    filter: FlowFilter,
    page?: { limit?: number; cursor?: string | null },
  ): Promise<FlowPage> {
    return this.read({ op: 'flows', args: [filter, page] }, () =>
      queryFlows(this.db, filter, page),
    );
  }

  async queryRollups(query: RollupQuery): Promise<RollupRow[]> {
    if (!this.pool?.available) return queryRollups(this.db, query);
    return unpackRollups(await this.pool.run<PackedRollups>({ op: 'rollups', args: [query] }));
  }

  async queryTimeSeries(query: TimeSeriesQuery): Promise<TimeSeriesResult> {
    if (!this.pool?.available) return queryTimeSeries(this.db, query);
    return unpackTimeSeries(
      await this.pool.run<PackedTimeSeries>({ op: 'timeseries', args: [query] }),
    );
  }

  async queryWorkloadVersions(range: { from: number; to: number }): Promise<VersionSighting[]> {
    return queryWorkloadVersions(this.db, range);
  }

  async queryReplyBytes(query: ReplyBytesQuery): Promise<ReplyBytesRow[]> {
    return this.read({ op: 'replyBytes', args: [query] }, () => queryReplyBytes(this.db, query));
  }

  async applyRetention(now: number, policy: RetentionPolicy): Promise<RetentionResult> {
    return applyRetention(this.db, now, policy, this.options.retentionChunk);
  }

  async extent(): Promise<StoreExtent> {
    return this.extentNow();
  }

  async stats(): Promise<StoreStats> {
    const count = (table: string): number =>
      (this.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number | undefined) ?? 0;
    return {
      rawEvents: count('flow_events'),
      rollup1m: count('rollup_1m'),
      rollup1h: count('rollup_1h'),
      batches: count('batches'),
      ...this.extentNow(),
      schemaVersion: schemaVersion(this.db),
    };
  }

  /** Index ends and page counts only: a few page reads at any size. */
  private extentNow(): StoreExtent {
    const one = (sql: string): number | null =>
      (this.db.prepare(sql).pluck().get() as number | null | undefined) ?? null;
    // Edge buckets come from the primary key; only their rows are scanned for the exact times.
    const ends = [
      one('SELECT min(time) FROM flow_events'),
      one(
        'SELECT min(first_seen) FROM rollup_1h WHERE bucket = (SELECT min(bucket) FROM rollup_1h)',
      ),
    ].filter((v): v is number => v !== null);
    const tops = [
      one('SELECT max(time) FROM flow_events'),
      one(
        'SELECT max(last_seen) FROM rollup_1h WHERE bucket = (SELECT max(bucket) FROM rollup_1h)',
      ),
    ].filter((v): v is number => v !== null);
    return {
      oldest: ends.length ? Math.min(...ends) : null,
      newest: tops.length ? Math.max(...tops) : null,
      sizeBytes: this.sizeBytes(),
    };
  }

  private sizeBytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    let wal = 0;
    try {
      wal = statSync(`${this.path}-wal`).size;
    } catch {
      // No WAL file (checkpointed and removed, or an in-memory database).
    }
    return pages * pageSize + wal;
  }

  async sourceHealth(): Promise<SourceHealth[]> {
    const rows = this.db
      .prepare(
        `SELECT source, last_data_at AS lastDataAt, last_batch_at AS lastBatchAt,
                flows_total AS flowsTotal, lost_events_total AS lostEventsTotal
         FROM source_health ORDER BY source`,
      )
      .all() as SourceHealth[];
    return rows;
  }

  async createIngestToken(
    name: string,
    cluster: string | null,
    tokenHash: string,
    now: number,
  ): Promise<IngestTokenRecord> {
    return createToken(this.db, name, cluster, tokenHash, now);
  }

  async findIngestToken(tokenHash: string, now: number): Promise<IngestTokenRecord | null> {
    return findToken(this.db, tokenHash, now);
  }

  async listIngestTokens(): Promise<IngestTokenRecord[]> {
    return listTokens(this.db);
  }

  async revokeIngestToken(id: string, now: number): Promise<boolean> {
    return revokeToken(this.db, id, now);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
    if (!this.db.open) return;
    this.db.pragma('optimize');
    this.db.close();
  }
}

/**
 * Opens (creating if needed) a SQLite store and applies pending migrations.
 * Synchronous: better-sqlite3 opens files synchronously; the returned store's methods are async.
 */
export function openSqliteStore(options: SqliteStoreOptions = {}): SqliteFlowStore {
  const path = options.path ?? DEFAULT_SQLITE_PATH;
  const sampleRate = checkSampleRate(options.allowedSampleRate ?? DEFAULT_ALLOWED_SAMPLE_RATE);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
    db.pragma('foreign_keys = ON');
    // Rollup upserts and four raw-event indexes touch pages all over the file; a 64 MiB page
    // cache (default 2 MiB) keeps them in memory and doubled write throughput in bench/store-write.mjs.
    db.pragma('cache_size = -65536');
    const now = options.now ?? Date.now;
    runMigrations(db, SQLITE_MIGRATIONS, now());
    const store = new SqliteFlowStore(db, path, {
      now,
      sampleRate,
      retentionChunk: options.retentionChunk ?? DEFAULT_RETENTION_CHUNK,
    });
    // After the migrations: the workers open the file read-only and expect its tables.
    if ((options.readWorkers ?? 0) > 0) {
      store.startReadWorkers(
        options.readWorkers ?? 0,
        options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {},
      );
    }
    return store;
  } catch (err) {
    db.close();
    throw err;
  }
}
