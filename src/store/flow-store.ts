/**
 * The storage seam (DESIGN.md §5). SQLite (embedded default) and PostgreSQL implement it and
 * pass one shared contract suite (`contract.ts`). Methods are async so that both fit.
 */
import type { VersionSighting } from '../domain/detect/changes.js';
import type { Direction, Flow, Protocol, SourceFormat, Verdict } from '../domain/flow.js';

export interface IngestBatch {
  /** Client-given idempotency key, or a hash of the content. A batch id seen before is not counted again. */
  id: string;
  flows: readonly Flow[];
  /** Format the batch came in, for per-source health. */
  source: SourceFormat;
  /** Lost events the producer reported inside this batch (evidence gaps). */
  lostEvents?: number;
  receivedAt: number;
}

export interface BatchResult {
  batchId: string;
  /** True when this batch id had already been committed: nothing was written. */
  duplicate: boolean;
  /** Flows the batch carried (counted into rollups). */
  flows: number;
  /** Raw event rows written (denied/audit always, allowed sampled). */
  rawEvents: number;
}

export interface FlowFilter {
  /** Inclusive start (epoch ms). Rollups: buckets that overlap [from, to). */
  from?: number;
  /** Exclusive end (epoch ms). */
  to?: number;
  cluster?: string[];
  /** Flows whose source OR destination namespace is in the list. */
  namespace?: string[];
  /** Workload name (either side). */
  workload?: string;
  pod?: string;
  /** An IP or a CIDR matched against either side. */
  ip?: string;
  port?: number;
  protocol?: Protocol[];
  verdict?: Verdict[];
  direction?: Direction[];
  reason?: string[];
  /**
   * `ns/name` (or `name` for a cluster-scoped policy). Raw events: any policy of the flow;
   * rollups: the deciding policy of the key.
   */
  policy?: string;
  source?: SourceFormat[];
}

export interface StoredFlow extends Flow {
  /** Store-assigned id of the raw event. */
  id: string;
  /**
   * How many flows this raw event stands for: 1 for denied and audit flows (always kept),
   * 1/rate for sampled allowed flows. Multiply counts from raw events by it.
   */
  sampleWeight: number;
}

export interface FlowPage {
  flows: StoredFlow[];
  /** Opaque cursor for the next page, or null at the end. */
  next: string | null;
}

export type RollupResolution = '1m' | '1h';

/** Bucket width of each rollup tier, in ms. */
export const ROLLUP_BUCKET_MS: Readonly<Record<RollupResolution, number>> = {
  '1m': 60_000,
  '1h': 3_600_000,
};

/** The aggregation key of DESIGN.md §4, as rollup fields. */
export const ROLLUP_KEY_FIELDS = [
  'bucket',
  'cluster',
  'srcNamespace',
  'srcWorkload',
  'srcKind',
  'dstNamespace',
  'dstWorkload',
  'dstKind',
  'protocol',
  'port',
  'direction',
  'verdict',
  'reason',
  'policy',
  'source',
] as const;
export type RollupKeyField = (typeof ROLLUP_KEY_FIELDS)[number];

/**
 * One aggregated row: the aggregation key of DESIGN.md §4 with summed counters.
 *
 * Key fields are present when the query grouped by them (all of them when `groupBy` is
 * absent); a field that was summed over is left out of the row.
 * A counter is `null` when no flow in the group reported it (never 0 for "not reported").
 */
export interface RollupRow {
  bucket?: number;
  cluster?: string;
  srcNamespace?: string | null;
  /** Workload name, or the external group, or the pod name for a bare pod, or null when unknown. */
  srcWorkload?: string | null;
  srcKind?: string;
  dstNamespace?: string | null;
  dstWorkload?: string | null;
  dstKind?: string;
  protocol?: Protocol;
  port?: number | null;
  direction?: Direction;
  verdict?: Verdict;
  reason?: string;
  /** `ns/name` of the deciding policy (`name` when cluster-scoped), or '' */
  policy?: string;
  source?: SourceFormat;
  flows: number | null;
  packets: number | null;
  bytes: number | null;
  firstSeen: number;
  lastSeen: number;
  /** With `binStepMs`: the row's sums per step, ascending by `start`; steps without data left out. */
  bins?: RollupBin[];
}

/** A row's sums over one step of `binStepMs`; counters are `null` as in a row. */
export interface RollupBin {
  start: number;
  flows: number | null;
  packets: number | null;
  bytes: number | null;
}

export interface RollupQuery extends FlowFilter {
  resolution: RollupResolution;
  /** Group by a subset of the key; the rest is summed. Default: the whole key. */
  groupBy?: RollupKeyField[];
  /** Rows ordered by flows (then packets, bytes) descending. Default 1000. */
  limit?: number;
  /**
   * Each row also carries `bins`: its buckets summed into steps this wide (a positive multiple
   * of the resolution's bucket), aligned to multiples of it since the epoch. Totals and a trend
   * of the same groups then come from one read, one row per group. Not with `bucket` in
   * `groupBy`.
   */
  binStepMs?: number;
}

/**
 * Which raw events `queryReplyBytes` sums: allowed, in [from, to), from an external peer to a
 * destination that is not external, over `protocol` to one of `ports`.
 */
export interface ReplyBytesQuery {
  from: number;
  to: number;
  protocol: Protocol;
  ports: readonly number[];
}

/** Bytes each way of those events, per destination workload and port. */
export interface ReplyBytesRow {
  cluster: string;
  /** The destination's namespace. */
  namespace: string | null;
  /** The destination's workload name, or its pod name when it has none. */
  workload: string | null;
  port: number;
  /** Bytes the destination sent back to the peer (`bytesToSrc`), and received (`bytesToDst`). */
  toSrc: number;
  toDst: number;
}

export type TimeSeriesMetric = 'flows' | 'packets' | 'bytes';

export interface TimeSeriesQuery {
  resolution: RollupResolution;
  /** Inclusive start, epoch ms; steps are aligned to multiples of `stepMs` since the epoch. */
  from: number;
  /** Exclusive end, epoch ms. */
  to: number;
  /** Step width; a positive multiple of the resolution's bucket width. */
  stepMs: number;
  /** Key fields that split the series (not `bucket`). Empty: one series. */
  groupBy: Exclude<RollupKeyField, 'bucket'>[];
  filter?: Omit<FlowFilter, 'from' | 'to'>;
  /**
   * The counter to sum. `auto`: the unit `chartUnit` (domain/flow.ts) gives for the sources
   * with rows in the window that pass the filter, found by the same call.
   */
  metric: TimeSeriesMetric | 'auto';
  /** Keep the N largest series by total. Default 20. */
  limit?: number;
}

export interface TimeSeries {
  /** The group's key values (only the `groupBy` fields). */
  group: Partial<Record<RollupKeyField, string | number | null>>;
  /**
   * One value per step in `TimeSeriesResult.steps`. 0: no traffic recorded in that step;
   * null: traffic was recorded but its source does not report this metric.
   */
  values: (number | null)[];
  /** Sum of the non-null values, or null when every step is null or 0 without data. */
  total: number | null;
}

export interface TimeSeriesResult {
  /** The counter summed: the one asked for, or the one `auto` chose. */
  metric: TimeSeriesMetric;
  /** Sources with rows in the window that pass the filter, sorted (all series, not only the kept). */
  sources: string[];
  stepMs: number;
  /** Start of each step, ascending. */
  steps: number[];
  series: TimeSeries[];
}

export interface RetentionPolicy {
  rawMs: number;
  rollup1mMs: number;
  rollup1hMs: number;
}

/** DESIGN.md §5 defaults: raw 7 days, 1-minute rollups 35 days, 1-hour rollups 400 days. */
export const DEFAULT_RETENTION: Readonly<RetentionPolicy> = {
  rawMs: 7 * 86_400_000,
  rollup1mMs: 35 * 86_400_000,
  rollup1hMs: 400 * 86_400_000,
};

export interface RetentionResult {
  rawDeleted: number;
  rollup1mDeleted: number;
  rollup1hDeleted: number;
  /** Batch ids forgotten (kept as long as raw events: the idempotency window). */
  batchesDeleted: number;
  /** Rows of the daily tier deleted, and finished days summed into it (ADR 0006). */
  rollup1dDeleted: number;
  daysCompacted: number;
}

/** How far the store reaches and how large it is: read from index ends and file sizes. */
export interface StoreExtent {
  /** Earliest and latest flow time held in any tier (epoch ms), or null when empty. */
  oldest: number | null;
  newest: number | null;
  /** Database size on disk, WAL included. */
  sizeBytes: number;
}

export interface StoreStats extends StoreExtent {
  rawEvents: number;
  rollup1m: number;
  rollup1h: number;
  batches: number;
  schemaVersion: number;
}

/** Per source format: when data last arrived and how many events the producers said they lost. */
export interface SourceHealth {
  source: SourceFormat;
  /** Latest flow time seen from this source (epoch ms), or null when batches carried no flows. */
  lastDataAt: number | null;
  /** `receivedAt` of the last batch from this source. */
  lastBatchAt: number;
  flowsTotal: number;
  lostEventsTotal: number;
}

/** A filter the store cannot apply (malformed IP/CIDR, a field the tier does not keep, a bad cursor). */
export class InvalidQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidQueryError';
  }
}

export interface IngestTokenRecord {
  id: string;
  name: string;
  cluster: string | null;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface FlowStore {
  /** Applies pending versioned migrations. Idempotent. */
  migrate(): Promise<void>;
  /** Writes a batch in one transaction; resolves only after commit. */
  writeBatch(batch: IngestBatch): Promise<BatchResult>;
  /**
   * Group commit: writes several batches in ONE transaction and resolves after its commit,
   * with one result per batch in input order. Each batch keeps its own idempotency record: a
   * batch committed before, or whose id came earlier in the same group, writes nothing and is
   * reported `duplicate`. If any batch fails, nothing of the group is stored.
   * Optional while a backend is being built: callers go through `writeGroup`, which falls
   * back to `writeBatchesSequentially` (one transaction per batch) when it is absent.
   * @example const [a, b] = await writeGroup(store, [batchA, batchB]);
   */
  writeBatches?(batches: readonly IngestBatch[]): Promise<BatchResult[]>;
  queryFlows(
    filter: FlowFilter,
    page?: { limit?: number; cursor?: string | null },
  ): Promise<FlowPage>;
  /** Grouped sums over a rollup tier. `pod` and `ip` filters are rejected: rollups do not keep them. */
  queryRollups(query: RollupQuery): Promise<RollupRow[]>;
  /** Bucketed sums per group for charts. */
  queryTimeSeries(query: TimeSeriesQuery): Promise<TimeSeriesResult>;
  /**
   * The version table: when each version label of each workload was first and last seen, kept
   * as flows come in (for "did this start with a rollout?" in detection). Returns the
   * sightings that overlap [from, to), sorted by cluster, workload and version.
   */
  queryWorkloadVersions(range: { from: number; to: number }): Promise<VersionSighting[]>;
  /**
   * Sums of `bytesToSrc` and `bytesToDst` of the raw events that `query` names, per cluster,
   * destination namespace, workload (pod when none) and port. Only events whose source
   * reports both directions count; sample weights are not applied (the sums are for a
   * ratio). Summed by the database in one pass over the window, for the amplification
   * detector's reply/request ratio. Rows come in no set order.
   */
  queryReplyBytes(query: ReplyBytesQuery): Promise<ReplyBytesRow[]>;
  applyRetention(now: number, policy: RetentionPolicy): Promise<RetentionResult>;
  /**
   * Oldest and newest data and the size on disk, without counting rows: its cost does not grow
   * with the store, so `/metrics` scrapes and readiness probes can call it as often as they like.
   */
  extent(): Promise<StoreExtent>;
  /** `extent()` plus every tier's row count: it reads every row, so its cost grows with the store. */
  stats(): Promise<StoreStats>;
  sourceHealth(): Promise<SourceHealth[]>;
  /** Ingest tokens: only a hash is stored. */
  createIngestToken(
    name: string,
    cluster: string | null,
    tokenHash: string,
    now: number,
  ): Promise<IngestTokenRecord>;
  findIngestToken(tokenHash: string, now: number): Promise<IngestTokenRecord | null>;
  listIngestTokens(): Promise<IngestTokenRecord[]>;
  revokeIngestToken(id: string, now: number): Promise<boolean>;
  /** Figures of the read worker threads, where the backend has them (SQLite); else null. */
  readPoolStats?(): ReadPoolStats | null;
  close(): Promise<void>;
}

export interface ReadPoolStats {
  /** Live worker threads. */
  workers: number;
  /** Reads sent and not answered yet. */
  inFlight: number;
  /** Reads answered (results and errors). */
  completed: number;
  /** Workers that died and were replaced. */
  restarts: number;
}

/**
 * `writeBatches` as one transaction per batch, in order: the stop-gap for a backend that has
 * no native group commit yet. Same results, but a failure leaves the earlier batches committed
 * and an fsync is paid per batch.
 * @example writeBatches(batches) { return writeBatchesSequentially(this, batches); }
 */
export async function writeBatchesSequentially(
  store: Pick<FlowStore, 'writeBatch'>,
  batches: readonly IngestBatch[],
): Promise<BatchResult[]> {
  const out: BatchResult[] = [];
  for (const b of batches) out.push(await store.writeBatch(b));
  return out;
}

/** Group commit through `store.writeBatches`, or one batch at a time where it is missing. */
export function writeGroup(
  store: Pick<FlowStore, 'writeBatch' | 'writeBatches'>,
  batches: readonly IngestBatch[],
): Promise<BatchResult[]> {
  return store.writeBatches
    ? store.writeBatches(batches)
    : writeBatchesSequentially(store, batches);
}
