/**
 * The storage seam (DESIGN.md §5). SQLite (embedded default) and PostgreSQL implement it and
 * pass one shared contract suite (`contract.ts`). Methods are async so that both fit.
 */
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
  from?: number;
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
  policy?: string;
  source?: SourceFormat[];
}

export interface StoredFlow extends Flow {
  /** Store-assigned id of the raw event. */
  id: string;
}

export interface FlowPage {
  flows: StoredFlow[];
  /** Opaque cursor for the next page, or null at the end. */
  next: string | null;
}

export type RollupResolution = '1m' | '1h';

/** One aggregated row: the aggregation key of DESIGN.md §4 with summed counters. */
export interface RollupRow {
  bucket: number;
  cluster: string;
  srcNamespace: string | null;
  /** Workload name, or the external group, or null when unknown. */
  srcWorkload: string | null;
  srcKind: string;
  dstNamespace: string | null;
  dstWorkload: string | null;
  dstKind: string;
  protocol: Protocol;
  port: number | null;
  direction: Direction;
  verdict: Verdict;
  reason: string;
  /** `ns/name` of the deciding policy, or '' */
  policy: string;
  source: SourceFormat;
  flows: number | null;
  packets: number | null;
  bytes: number | null;
  firstSeen: number;
  lastSeen: number;
}

export interface RollupQuery extends FlowFilter {
  resolution: RollupResolution;
  /** Group by a subset of the key; the rest is summed. Default: the whole key. */
  groupBy?: (keyof RollupRow)[];
  limit?: number;
}

export interface RetentionPolicy {
  rawMs: number;
  rollup1mMs: number;
  rollup1hMs: number;
}

export interface RetentionResult {
  rawDeleted: number;
  rollup1mDeleted: number;
  rollup1hDeleted: number;
}

export interface StoreStats {
  rawEvents: number;
  rollup1m: number;
  rollup1h: number;
  batches: number;
  oldest: number | null;
  newest: number | null;
  sizeBytes: number;
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
  queryFlows(
    filter: FlowFilter,
    page?: { limit?: number; cursor?: string | null },
  ): Promise<FlowPage>;
  queryRollups(query: RollupQuery): Promise<RollupRow[]>;
  applyRetention(now: number, policy: RetentionPolicy): Promise<RetentionResult>;
  stats(): Promise<StoreStats>;
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
  close(): Promise<void>;
}
