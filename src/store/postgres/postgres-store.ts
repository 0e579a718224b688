/**
 * The shared store (DESIGN.md §5): PostgreSQL through pg, for deployments where several server
 * replicas use one database. Same schema and semantics as the SQLite store.
 *
 * @example
 * const store = await openPostgresStore({ url: 'postgres://netsec@db/netsec' });
 * await store.writeBatch({ id: 'b1', flows, source: 'hubble', receivedAt: Date.now() });
 * await withAdvisoryLock(store, 'retention', () => store.applyRetention(Date.now(), DEFAULT_RETENTION));
 * await store.close();
 */
import type pg from 'pg';

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
import { replyBytesPorts, replyBytesSql } from '../reply-bytes.js';
import { DEFAULT_RETENTION_CHUNK } from '../retention-policy.js';
import { checkSampleRate, DEFAULT_ALLOWED_SAMPLE_RATE } from '../sampling.js';
import { rowToSighting, VERSION_COLUMNS, VERSION_ORDER } from '../version-rows.js';
import { pgQueryFlows } from './flow-query.js';
import { GrowthAnalyzer } from './growth-analyzer.js';
import { type JobLockOptions, type JobLockSession, PgJobLockSession } from './job-locks.js';
import { type Leadership, type LeadershipCapable, tryAdvisoryLock } from './leadership.js';
import { pgSchemaVersion, runPgMigrations } from './migrate.js';
import { createPool } from './pool.js';
import { pgApplyRetention } from './retention.js';
import { pgQueryRollups, pgQueryTimeSeries } from './rollup-query.js';
import { PG_MIGRATIONS } from './schema.js';
import { pgCreateToken, pgFindToken, pgListTokens, pgRevokeToken } from './tokens.js';
import { PgBatchWriter } from './write-batch.js';

/**
 * What `GrowthAnalyzer` refreshes: the tables behind the dashboard's rollup reads, and the raw
 * events behind the flow explorer. Without a histogram of `flow_events.time`, PostgreSQL takes
 * a time window to match 0.5 % of the rows, and plans "the newest 1,000 events of the last
 * hour" as a bitmap scan of the whole window and a sort instead of a backward scan of the time
 * index: 150–700 ms instead of 2 ms once the table holds 150,000 events.
 */
const ANALYZE_SQL = 'ANALYZE rollup_keys, rollup_1m, rollup_1h, rollup_1d, flow_events';

export type { JobLockSession } from './job-locks.js';
export { type Leadership, withAdvisoryLock } from './leadership.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (libpq-style query options allowed). */
  url: string;
  /** Clock for bookkeeping timestamps (migrations). Default `Date.now`. */
  now?: () => number;
  /** Fraction of allowed flows kept as raw events, 0..1. Default 0.1 (1 in 10). */
  allowedSampleRate?: number;
  /** Connections in this replica's pool. Default 10. */
  poolSize?: number;
  /** Rows per retention statement. Default 5000. */
  retentionChunk?: number;
  /**
   * Flows this process commits before it first analyzes the rollup tables and raw events;
   * again at each doubling (`growth-analyzer.ts`). Default 1,000; on a database that already
   * holds raw events, at least their number (PostgreSQL's estimate).
   */
  analyzeAfterFlows?: number;
}

export class PostgresFlowStore implements FlowStore, LeadershipCapable {
  /** Lets services recognise this backend without loading the pg driver (see companions.ts). */
  readonly backend = 'postgres' as const;
  private readonly writer: PgBatchWriter;
  /**
   * Planner statistics of the rollup tables and raw events, refreshed while the store grows
   * fast (a failed ANALYZE is left to autovacuum).
   */
  private readonly analyzer: GrowthAnalyzer;
  private closed = false;
  private readonly leaderships = new Set<Leadership>();
  private readonly jobSessions = new Set<PgJobLockSession>();

  constructor(
    /** The pool, for PostgreSQL-specific tooling and tests. */
    readonly pool: pg.Pool,
    private readonly options: {
      now: () => number;
      sampleRate: number;
      retentionChunk: number;
      analyzeAfterFlows?: number;
    },
  ) {
    this.analyzer = new GrowthAnalyzer(async () => {
      await pool.query(ANALYZE_SQL);
    }, options.analyzeAfterFlows);
    this.writer = new PgBatchWriter(pool, options.sampleRate, (flows) =>
      this.analyzer.committed(flows),
    );
  }

  async migrate(): Promise<void> {
    await runPgMigrations(this.pool, PG_MIGRATIONS, this.options.now());
  }

  writeBatch(batch: IngestBatch): Promise<BatchResult> {
    return this.writer.write(batch);
  }

  /**
   * Group commit: several batches in one transaction, each with its own idempotency record.
   * Batches of flows and batches an ingest worker prepared (`preparePgBatch`) may be mixed.
   */
  writeBatches(batches: readonly StoreBatch[]): Promise<BatchResult[]> {
    return this.writer.writeMany(batches);
  }

  /** What an ingest worker needs to prepare batches for this store (`preparePgBatch`). */
  get preparedWrites(): PreparedWrites {
    return { format: 'postgres', sampleRate: this.options.sampleRate };
  }

  queryFlows(
    filter: FlowFilter,
    page?: { limit?: number; cursor?: string | null },
  ): Promise<FlowPage> {
    return pgQueryFlows(this.pool, filter, page);
  }

  queryRollups(query: RollupQuery): Promise<RollupRow[]> {
    return pgQueryRollups(this.pool, query);
  }

  queryTimeSeries(query: TimeSeriesQuery): Promise<TimeSeriesResult> {
    return pgQueryTimeSeries(this.pool, query);
  }

  async queryWorkloadVersions(range: { from: number; to: number }): Promise<VersionSighting[]> {
    const r = await this.pool.query(
      `SELECT ${VERSION_COLUMNS} FROM workload_versions
       WHERE last_seen >= $1 AND first_seen < $2 ${VERSION_ORDER}`,
      [range.from, range.to],
    );
    return r.rows.map((row: Record<string, unknown>) => rowToSighting(row));
  }

  async queryReplyBytes(query: ReplyBytesQuery): Promise<ReplyBytesRow[]> {
    const ports = replyBytesPorts(query);
    if (ports.length === 0) return [];
    const sql = replyBytesSql(
      ports.length,
      (n) => `$${n}`,
      (c) => `sum(${c})::float8`,
    );
    const r = await this.pool.query(sql, [query.from, query.to, query.protocol, ...ports]);
    return r.rows as ReplyBytesRow[];
  }

  applyRetention(now: number, policy: RetentionPolicy): Promise<RetentionResult> {
    return pgApplyRetention(this.pool, now, policy, this.options.retentionChunk);
  }

  /**
   * Takes a named cross-replica lock for a job; null when another replica holds it. Locks still
   * held at `close()` are released then.
   */
  async tryLeadership(name: string): Promise<Leadership | null> {
    const lead = await tryAdvisoryLock(this.pool, name);
    if (!lead) return null;
    this.leaderships.add(lead);
    return {
      ...lead,
      release: async () => {
        this.leaderships.delete(lead);
        await lead.release();
      },
    };
  }

  /**
   * A session of its own for the leader locks of background jobs (see job-locks.ts); closed by
   * `close()` if the caller has not closed it.
   */
  openJobLocks(options: JobLockOptions = {}): JobLockSession {
    const session = new PgJobLockSession(this.pool.options as pg.ClientConfig, options);
    this.jobSessions.add(session);
    return {
      sync: (names) => session.sync(names),
      close: async () => {
        this.jobSessions.delete(session);
        await session.close();
      },
    };
  }

  /** Index ends and `pg_database_size` only: no table is counted. */
  async extent(): Promise<StoreExtent> {
    // Edge buckets come from the primary key; only their rows are scanned for the exact times.
    const res = await this.pool.query<{
      raw_min: number | null;
      raw_max: number | null;
      h_min: number | null;
      h_max: number | null;
      size: number;
    }>(`SELECT
      (SELECT min(time) FROM flow_events) AS raw_min,
      (SELECT max(time) FROM flow_events) AS raw_max,
      (SELECT min(first_seen) FROM rollup_1h WHERE bucket = (SELECT min(bucket) FROM rollup_1h)) AS h_min,
      (SELECT max(last_seen) FROM rollup_1h WHERE bucket = (SELECT max(bucket) FROM rollup_1h)) AS h_max,
      pg_database_size(current_database()) AS size`);
    const r = res.rows[0];
    if (!r) throw new Error('extent query returned no row');
    const ends = [r.raw_min, r.h_min].filter((v): v is number => v !== null);
    const tops = [r.raw_max, r.h_max].filter((v): v is number => v !== null);
    return {
      oldest: ends.length ? Math.min(...ends) : null,
      newest: tops.length ? Math.max(...tops) : null,
      sizeBytes: r.size,
    };
  }

  async stats(): Promise<StoreStats> {
    const [counts, extent, schemaVersion] = await Promise.all([
      this.pool.query<{ raw: number; m1: number; h1: number; batches: number }>(`SELECT
        (SELECT count(*) FROM flow_events) AS raw,
        (SELECT count(*) FROM rollup_1m) AS m1,
        (SELECT count(*) FROM rollup_1h) AS h1,
        (SELECT count(*) FROM batches) AS batches`),
      this.extent(),
      pgSchemaVersion(this.pool),
    ]);
    const r = counts.rows[0];
    if (!r) throw new Error('stats query returned no row');
    return {
      rawEvents: r.raw,
      rollup1m: r.m1,
      rollup1h: r.h1,
      batches: r.batches,
      ...extent,
      schemaVersion,
    };
  }

  async sourceHealth(): Promise<SourceHealth[]> {
    const res = await this.pool.query<SourceHealth>(
      `SELECT source, last_data_at AS "lastDataAt", last_batch_at AS "lastBatchAt",
              flows_total AS "flowsTotal", lost_events_total AS "lostEventsTotal"
       FROM source_health ORDER BY source`,
    );
    return res.rows;
  }

  createIngestToken(
    name: string,
    cluster: string | null,
    tokenHash: string,
    now: number,
  ): Promise<IngestTokenRecord> {
    return pgCreateToken(this.pool, name, cluster, tokenHash, now);
  }

  findIngestToken(tokenHash: string, now: number): Promise<IngestTokenRecord | null> {
    return pgFindToken(this.pool, tokenHash, now);
  }

  listIngestTokens(): Promise<IngestTokenRecord[]> {
    return pgListTokens(this.pool);
  }

  revokeIngestToken(id: string, now: number): Promise<boolean> {
    return pgRevokeToken(this.pool, id, now);
  }

  /** Flows this process commits before the next growth ANALYZE (for tests and tooling). */
  get nextAnalyzeMark(): number {
    return this.analyzer.nextMark;
  }

  /**
   * On a database that already holds raw events, the first growth ANALYZE waits until this
   * process has committed about as many flows (PostgreSQL's estimate of the rows; -1, never
   * analyzed, counts as none): a restart does not analyze large tables at every doubling of a
   * small count.
   */
  async fitAnalyzerToData(): Promise<void> {
    const { rows } = await this.pool.query<{ n: number }>(
      `SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = 'flow_events'::regclass`,
    );
    this.analyzer.notBefore(Math.round(rows[0]?.n ?? 0));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const lead of [...this.leaderships]) await lead.release();
    this.leaderships.clear();
    for (const session of this.jobSessions) await session.close();
    this.jobSessions.clear();
    await this.analyzer.idle();
    await this.pool.end();
  }
}

/**
 * Connects to PostgreSQL and applies pending migrations (under an advisory lock, so replicas
 * starting together migrate once). Fails when the database cannot be reached.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresFlowStore> {
  const sampleRate = checkSampleRate(options.allowedSampleRate ?? DEFAULT_ALLOWED_SAMPLE_RATE);
  const pool = createPool({
    url: options.url,
    ...(options.poolSize !== undefined ? { poolSize: options.poolSize } : {}),
  });
  const store = new PostgresFlowStore(pool, {
    now: options.now ?? Date.now,
    sampleRate,
    retentionChunk: options.retentionChunk ?? DEFAULT_RETENTION_CHUNK,
    ...(options.analyzeAfterFlows !== undefined
      ? { analyzeAfterFlows: options.analyzeAfterFlows }
      : {}),
  });
  try {
    await store.migrate();
    await store.fitAnalyzerToData();
    return store;
  } catch (err) {
    await pool.end().catch(() => undefined);
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`PostgreSQL store at ${redactUrl(options.url)}: ${why}`, { cause: err });
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
}
