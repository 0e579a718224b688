/**
 * The ingest use case shared by `netsec import` and `POST /api/v1/ingest`: parse lines with a
 * format's parser, enrich, cut into batches with idempotency keys, commit groups of batches
 * (one transaction per group, see `group-commit.ts`; acknowledged after commit), and count
 * what happened.
 */
import { createHash, type Hash } from 'node:crypto';

import type { Flow } from '../domain/flow.js';
import type { NamedCidr } from '../domain/ip.js';
import type {
  FlowParser,
  IngestFormat,
  LineOutcome,
  ParserOptions,
  RecordError,
} from '../formats/parser.js';
import { INGEST_FORMATS } from '../formats/parser.js';
import type { FlowStore, IngestBatch } from '../store/flow-store.js';
import {
  classifyStorageError,
  StorageAvailability,
  StorageUnavailableError,
} from '../store/storage-errors.js';
import type { EnricherWorkerSpec } from './cluster-enricher.js';
import { type BatchCommitter, directCommitter } from './group-commit.js';
import type { WorkerRunOptions } from './ingest-thread-protocol.js';
import { OVERLONG_LINE } from './line-reader.js';

export { INGEST_FORMATS, type IngestFormat } from '../formats/parser.js';
export {
  classifyStorageError,
  type StorageFailure,
  StorageUnavailableError,
} from '../store/storage-errors.js';

export function isIngestFormat(text: string): text is IngestFormat {
  return (INGEST_FORMATS as readonly string[]).includes(text);
}

/** Lines decoded at a time from a body's bytes (`bodyLines`). */
const BODY_CHUNK_LINES = 256;
const LF = 0x0a;
const CR = 0x0d;

/**
 * The lines of a request body (UTF-8), as `splitLines` gives them from its text, but decoded a
 * chunk of lines at a time from the bytes. Each line is then a short string that dies young;
 * slices of one decoded text would keep the whole body's text alive as a large object, which
 * only a full collection reclaims (ingest threads decode tens of MB a second). A newline byte
 * never occurs inside a UTF-8 sequence, so the lines are the same.
 * @throws TooManyLinesError when the body has more than `maxLines` lines, before any is read:
 * nothing of such a body is committed.
 */
export function bodyLines(body: Uint8Array, maxLines?: number): Iterable<string[]> {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (maxLines !== undefined && lineCount(buf) > maxLines) throw new TooManyLinesError(maxLines);
  return lineChunks(buf);
}

/** Lines of `buf` as `splitLines` counts them: a last line needs no newline, an empty body has none. */
function lineCount(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(LF); i >= 0; i = buf.indexOf(LF, i + 1)) n++;
  return buf.length > 0 && buf[buf.length - 1] !== LF ? n + 1 : n;
}

function* lineChunks(buf: Buffer): Generator<string[]> {
  let chunk: string[] = [];
  for (let start = 0; start < buf.length;) {
    const lf = buf.indexOf(LF, start);
    const next = lf < 0 ? buf.length : lf + 1;
    let end = lf < 0 ? buf.length : lf;
    if (end > start && buf[end - 1] === CR) end--;
    chunk.push(buf.toString('utf8', start, end));
    start = next;
    if (chunk.length === BODY_CHUNK_LINES) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/** Splits a text into lines: what `bodyLines` gives from the text's bytes (tests hold the two equal). */
export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.endsWith('\r')) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/** Resolves endpoints (IP → pod → workload) from a cluster model; provided by the policy engine. */
export interface FlowEnricher {
  enrich(flow: Flow): Flow;
  /**
   * What an ingest worker thread needs to enrich the same way. Without it, ingest with this
   * enricher stays on the calling thread.
   */
  workerSpec?(): EnricherWorkerSpec;
}

/** Receives counts as batches commit; `metrics.ts` implements it with prom-client. */
export interface IngestObserver {
  onBatch(format: IngestFormat, delta: IngestCounts, commitSeconds: number | null): void;
}

export interface IngestCounts {
  /** Non-empty lines read. */
  read: number;
  /** Flows the parser produced from them. */
  flows: number;
  /** Flows written (not part of a batch that had been committed before). */
  stored: number;
  rejected: number;
  skipped: number;
  lostEvents: number;
  batches: number;
  duplicateBatches: number;
}

export interface IngestError extends RecordError {
  /** Input name (a file), when several inputs are read. */
  input?: string;
}

export interface IngestResult {
  counts: IngestCounts;
  /** The first `maxErrors` errors, in input order. */
  errors: IngestError[];
}

export interface IngestRunOptions {
  format: IngestFormat;
  cluster: string;
  namedCidrs?: readonly NamedCidr[];
  /** Flows per store batch (the unit of idempotency). */
  batchSize?: number;
  /**
   * Flows per commit: sealed batches wait until this many flows are ready, then commit in one
   * transaction. Default `batchSize` (a commit per batch). `netsec import` uses larger groups.
   */
  groupFlows?: number;
  /** Client-given idempotency key; batch ids derive from it. Without one, a content hash is used. */
  idempotencyKey?: string;
  maxErrors?: number;
  /** Input name carried in errors. */
  input?: string;
  /** Every rejected line with its error (for `--rejects`). */
  onReject?: (line: string, error: RecordError) => void;
  /** Called after each committed batch, e.g. to draw progress. */
  onProgress?: (counts: IngestCounts) => void;
  /** Stop once this many non-empty lines were read (HTTP `maxBatchLines`). */
  maxLines?: number;
}

/**
 * Ingest on worker threads (`ingest-pool.ts`): a body is parsed and prepared off this thread,
 * and only its commits come back here.
 */
export interface IngestOffload {
  readonly available: boolean;
  run(
    body: Uint8Array,
    options: WorkerRunOptions,
    enricher: EnricherWorkerSpec | null,
  ): Promise<IngestResult>;
}

export interface IngestDeps {
  /** Where batches go when no `committer` is given. */
  store?: FlowStore;
  createParser: (format: IngestFormat, options: ParserOptions) => FlowParser;
  observer?: IngestObserver;
  enricher?: FlowEnricher;
  /** How sealed batches reach the store; default: straight through `store.writeBatches`. */
  committer?: BatchCommitter;
  /** Worker threads for request bodies (`ingestBody`); without them, bodies are ingested here. */
  offload?: IngestOffload;
  /** Largest body handed to `offload`, bytes. Default `OFFLOAD_MAX_BYTES`. */
  offloadMaxBytes?: number;
  now?: () => number;
}

export const DEFAULT_BATCH_SIZE = 5000;
/**
 * Larger bodies are ingested on the calling thread: a worker's heap is capped
 * (`ingest-pool.ts`), and a body that overflowed it would kill the worker at every retry.
 */
export const OFFLOAD_MAX_BYTES = 32 * 1024 ** 2;
/**
 * Lines parsed between two yields to the event loop: a large request body is parsed in slices,
 * so the server answers other requests (dashboard reads above all) in between.
 */
const YIELD_EVERY_LINES = 256;
const yieldToEventLoop = (): Promise<void> => new Promise((r) => setImmediate(r));
export const DEFAULT_MAX_ERRORS = 20;

export class TooManyLinesError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} lines in one request`);
  }
}

export function emptyCounts(): IngestCounts {
  return {
    read: 0,
    flows: 0,
    stored: 0,
    rejected: 0,
    skipped: 0,
    lostEvents: 0,
    batches: 0,
    duplicateBatches: 0,
  };
}

export function addCounts(into: IngestCounts, from: IngestCounts): IngestCounts {
  for (const k of Object.keys(into) as (keyof IngestCounts)[]) into[k] += from[k];
  return into;
}

export class IngestService {
  private readonly commitListeners = new Set<() => void>();
  /**
   * Whether the last commit could write (readiness; see `storage-errors.ts`). On the wall
   * clock, not `deps.now`: a simulated clock must not hold a replica out of rotation.
   */
  readonly storage = new StorageAvailability();

  constructor(private readonly deps: IngestDeps) {
    if (!deps.committer && !deps.store)
      throw new Error('IngestService needs a store or a committer');
  }

  /** Calls `listener` after a run committed new flows (incremental detection). Returns an unsubscribe. */
  onCommit(listener: () => void): () => void {
    this.commitListeners.add(listener);
    return () => void this.commitListeners.delete(listener);
  }

  /**
   * Ingests lines handed out in chunks (see `readLineChunks`). Resolves after the last batch
   * committed. Bad lines are counted and reported; they never stop the run.
   * @example await ingest.ingestLines(readLineChunks(openInput('flows.json').stream), { format: 'hubble', cluster: 'prod' })
   */
  async ingestLines(
    chunks: AsyncIterable<string[]> | Iterable<string[]>,
    opts: IngestRunOptions,
  ): Promise<IngestResult> {
    return this.settle(async () => {
      const run = new IngestRun(this.deps, opts);
      for await (const lines of chunks) await run.push(lines);
      await run.end();
      return { counts: run.counts, errors: run.errors };
    });
  }

  /**
   * Ingests one request body (UTF-8 lines), on an ingest worker thread when there is one, the
   * run has no callbacks, the enricher can be copied to it and the body is at most
   * `OFFLOAD_MAX_BYTES`; else on this thread. The answer is the same either way. A body of
   * more than `opts.maxLines` lines is refused whole (`TooManyLinesError`).
   * @example await ingest.ingestBody(req.body, { format: 'native', cluster: 'prod', maxLines: 100_000 })
   */
  async ingestBody(body: Uint8Array, opts: IngestRunOptions): Promise<IngestResult> {
    const { offload, enricher } = this.deps;
    const spec = enricher ? (enricher.workerSpec?.() ?? undefined) : null;
    if (
      offload?.available &&
      spec !== undefined &&
      body.byteLength <= (this.deps.offloadMaxBytes ?? OFFLOAD_MAX_BYTES) &&
      opts.onReject === undefined &&
      opts.onProgress === undefined
    ) {
      const { onReject: _r, onProgress: _p, ...plain } = opts;
      const receivedAt = (this.deps.now ?? Date.now)();
      return this.settle(() => offload.run(body, { ...plain, receivedAt }, spec));
    }
    const { maxLines, ...rest } = opts;
    return this.ingestLines(bodyLines(body, maxLines), rest);
  }

  /** Storage readiness and commit listeners after a run, on whichever thread it ran. */
  private async settle(run: () => Promise<IngestResult>): Promise<IngestResult> {
    let result: IngestResult;
    try {
      result = await run();
    } catch (err) {
      if (err instanceof StorageUnavailableError) this.storage.failed(err.failure);
      throw err;
    }
    if (result.counts.batches > 0) this.storage.succeeded();
    if (result.counts.stored > 0) for (const listener of this.commitListeners) listener();
    return result;
  }
}

interface Sealed {
  batch: IngestBatch;
  /** Counts of the lines that went into the batch (and of flowless lines before it). */
  delta: IngestCounts;
}

/** One pass over one input. Holds the current batch, its running content hash, sealed batches. */
class IngestRun {
  readonly counts = emptyCounts();
  readonly errors: IngestError[] = [];
  private readonly parser: FlowParser;
  private readonly batchSize: number;
  private readonly groupFlows: number;
  private readonly maxErrors: number;
  private readonly committer: BatchCommitter;
  private pending: Flow[] = [];
  /** Running SHA-256 of the current batch's lines (when the client gave no key). */
  private hash: Hash | null = null;
  private pendingLost = 0;
  private batchNo = 0;
  private lineNo = 0;
  private sinceFlush = emptyCounts();
  private sealed: Sealed[] = [];
  private sealedFlows = 0;
  /** Counts of lines that went into no batch (no flows since the last commit). */
  private unbatched = emptyCounts();

  constructor(
    private readonly deps: IngestDeps,
    private readonly opts: IngestRunOptions,
  ) {
    this.parser = deps.createParser(opts.format, {
      cluster: opts.cluster,
      namedCidrs: opts.namedCidrs ?? [],
    });
    this.batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
    this.groupFlows = Math.max(this.batchSize, opts.groupFlows ?? this.batchSize);
    this.maxErrors = opts.maxErrors ?? DEFAULT_MAX_ERRORS;
    this.committer = deps.committer ?? directCommitter(deps.store as FlowStore);
  }

  async push(lines: readonly string[]): Promise<void> {
    let slice = 0;
    for (const line of lines) {
      if (++slice === YIELD_EVERY_LINES) {
        slice = 0;
        await yieldToEventLoop();
      }
      this.lineNo++;
      if (line === '' || line.trim() === '') continue;
      this.sinceFlush.read++;
      if (
        this.opts.maxLines !== undefined &&
        this.counts.read + this.sinceFlush.read > this.opts.maxLines
      ) {
        throw new TooManyLinesError(this.opts.maxLines);
      }
      if (this.opts.idempotencyKey === undefined) {
        this.hash ??= this.newHash();
        this.hash.update(line);
        this.hash.update('\n');
      }
      const outcome: LineOutcome =
        line === OVERLONG_LINE
          ? { flows: [], error: { line: this.lineNo, message: 'line too long; skipped' } }
          : this.parser.parseLine(line, this.lineNo);
      this.take(outcome, line);
      if (this.pending.length >= this.batchSize) {
        this.seal();
        if (this.sealedFlows >= this.groupFlows) await this.commit();
      }
    }
  }

  async end(): Promise<void> {
    this.take(this.parser.finish(), null);
    this.seal();
    await this.commit();
  }

  private take(outcome: LineOutcome, line: string | null): void {
    const enricher = this.deps.enricher;
    for (const f of outcome.flows) this.pending.push(enricher ? enricher.enrich(f) : f);
    this.sinceFlush.flows += outcome.flows.length;
    this.sinceFlush.skipped += outcome.skipped ?? 0;
    if (outcome.lostEvents) {
      this.sinceFlush.lostEvents += outcome.lostEvents;
      this.pendingLost += outcome.lostEvents;
    }
    if (outcome.error) {
      this.sinceFlush.rejected++;
      if (this.errors.length < this.maxErrors) {
        this.errors.push(
          this.opts.input ? { ...outcome.error, input: this.opts.input } : outcome.error,
        );
      }
      this.opts.onReject?.(line ?? '', outcome.error);
    }
  }

  private newHash(): Hash {
    return createHash('sha256').update(`${this.opts.format}\n${this.opts.cluster}\n`);
  }

  /** The batch id: client key + sequence, or the SHA-256 of the batch's lines and context. */
  private batchId(): string {
    this.batchNo++;
    const { idempotencyKey: key, cluster } = this.opts;
    if (key !== undefined) return `key:${cluster}:${key}:${this.batchNo}`;
    const digest = (this.hash ?? this.newHash()).digest('hex');
    this.hash = null;
    return `sha256:${digest}`;
  }

  /** Closes the current batch (its id is fixed now) and queues it for the next commit. */
  private seal(): void {
    if (this.pending.length > 0 || this.pendingLost > 0) {
      const now = this.deps.now ?? Date.now;
      const batch: IngestBatch = {
        id: this.batchId(),
        flows: this.pending,
        source: this.parser.format,
        lostEvents: this.pendingLost,
        receivedAt: now(),
      };
      this.sealed.push({ batch, delta: this.sinceFlush });
      this.sealedFlows += this.pending.length;
    } else if (this.sealed.length > 0) {
      // Lines without flows after the last batch: count them with it.
      addCounts((this.sealed[this.sealed.length - 1] as Sealed).delta, this.sinceFlush);
    } else {
      addCounts(this.unbatched, this.sinceFlush);
    }
    this.pending = [];
    this.hash = null;
    this.pendingLost = 0;
    this.sinceFlush = emptyCounts();
  }

  private async commit(): Promise<void> {
    const group = this.sealed;
    this.sealed = [];
    this.sealedFlows = 0;
    const delta = this.unbatched;
    this.unbatched = emptyCounts();
    let seconds: number | null = null;
    if (group.length > 0) {
      const started = performance.now();
      const tallies = group.map((s) => ({ delta: s.delta, flows: s.batch.flows.length }));
      const committing = this.committer.commit(group.map((s) => s.batch));
      // The flows are the committer's now: a worker thread has already reduced them to rows,
      // so nothing here keeps them alive while the commit is awaited (they die young).
      group.length = 0;
      const results = await committing.catch((err: unknown) => {
        // A full, read-only or unreachable store is a condition to wait out, not a bug:
        // callers answer it with 503 and Retry-After, readiness reports it.
        const failure = classifyStorageError(err);
        throw failure ? new StorageUnavailableError(failure, { cause: err }) : err;
      });
      seconds = (performance.now() - started) / 1000;
      tallies.forEach((s, i) => {
        s.delta.batches++;
        if (results[i]?.duplicate) s.delta.duplicateBatches++;
        else s.delta.stored += s.flows;
        addCounts(delta, s.delta);
      });
    }
    addCounts(this.counts, delta);
    this.deps.observer?.onBatch(this.opts.format, delta, seconds);
    this.opts.onProgress?.(this.counts);
  }
}
