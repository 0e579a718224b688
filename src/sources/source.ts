/**
 * The source plugin seam (DESIGN.md §7.3). A source connects to something live (Hubble Relay,
 * Goldmane, a file being written, an exporter) and hands batches of lines in one of the ingest
 * formats to a sink; the sink decides where they go (the local store, or a collector's disk
 * buffer). Lines are the unit because both destinations already speak them: the ingest service
 * parses them, and the central dashboard's `POST /api/v1/ingest` takes them as they are.
 */
import type { IngestFormat } from '../formats/parser.js';

export const SOURCE_KINDS = [
  'hubble-relay',
  'goldmane',
  'whisker',
  'file',
  'accountant',
  'kubernetes',
  'promql',
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export interface SourceBatch {
  /** How the lines are parsed (`hubble` lines may carry `lost_events` records). */
  format: IngestFormat;
  lines: string[];
  /** Newest event time in the batch (epoch ms), when known; drives the lag figure. */
  newestDataAt: number | null;
  /**
   * A stable name for this batch's position in the source (file inode and offset), when the
   * source has one: a collector uses it as the idempotency key, so a batch re-read after a
   * crash is recognised by the centre.
   */
  key?: string;
  /** The cluster these lines belong to, when the source knows (a `cluster` label). */
  cluster?: string;
}

/** Where batches go. `write` resolves once the batch is safe (committed or buffered on disk). */
export interface SourceSink {
  write(batch: SourceBatch): Promise<void>;
}

export type SourceState = 'starting' | 'connected' | 'reconnecting' | 'stopped';

export interface SourceHealthSnapshot {
  name: string;
  kind: SourceKind;
  state: SourceState;
  /** Time of the newest event delivered (epoch ms). */
  lastDataAt: number | null;
  /** When the last batch was handed to the sink (epoch ms). */
  lastBatchAt: number | null;
  /** `now - lastDataAt` when last measured: how far behind the producer we are. */
  lagMs: number | null;
  /** Records delivered (lines, including lost-event records). */
  records: number;
  /** Events the producer reported lost (Hubble `lost_events`), or rotation gaps. */
  lostEvents: number;
  /** Records received again after a reconnect and dropped here. */
  duplicatesSkipped: number;
  errors: number;
  lastError: string | null;
  /** Successful connections after the first. */
  reconnects: number;
}

/**
 * A live source. `start` runs until `signal` aborts (then resolves) and never throws for
 * transport errors: it retries with backoff and reports them in `health()`.
 * @example
 * const src = createSource('hubble-relay://relay:4245', { cluster: 'prod' });
 * const ac = new AbortController();
 * await src.start({ write: async (b) => console.log(b.lines.length) }, ac.signal);
 */
export interface Source {
  readonly name: string;
  readonly kind: SourceKind;
  start(sink: SourceSink, signal: AbortSignal): Promise<void>;
  health(): SourceHealthSnapshot;
}

/** Options shared by every source factory. */
export interface SourceOptions {
  /** Cluster name for records that carry none. */
  cluster: string;
  now?: () => number;
  /** Backoff bounds for reconnects (ms). */
  backoff?: { initialMs?: number; maxMs?: number };
}
