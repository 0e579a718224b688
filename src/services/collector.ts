/**
 * Collector mode: runs sources next to a cluster and forwards their batches to a central
 * dashboard's `POST /api/v1/ingest`. Batches go to a disk buffer first (see `collector-buffer.ts`),
 * so nothing is lost while the centre is unreachable or across restarts; each carries an
 * `Idempotency-Key` fixed when it was buffered, so a retry is never counted twice.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import { Backoff, sleep } from '../sources/backoff.js';
import type { Source, SourceBatch, SourceHealthSnapshot } from '../sources/source.js';
import { type BufferFullPolicy, DiskBuffer } from './collector-buffer.js';

export interface CollectorOptions {
  sources: readonly Source[];
  /** The centre's ingest URL, e.g. `https://dashboard.example/api/v1/ingest`. */
  to: string;
  token: string;
  /** Sent as `cluster=`; without it the centre uses the token's cluster or its default. */
  cluster?: string;
  bufferDir: string;
  maxBufferBytes?: number;
  bufferFull?: BufferFullPolicy;
  /** Lines per request; larger batches are split (accountant dumps never are). */
  maxLinesPerRequest?: number;
  backoff?: { initialMs?: number; maxMs?: number };
  requestTimeoutMs?: number;
  fetchFn?: typeof fetch;
}

export interface CollectorHealth {
  sources: SourceHealthSnapshot[];
  buffer: {
    batches: number;
    bytes: number;
    maxBytes: number;
    droppedBatches: number;
    droppedLines: number;
  };
  forwardedBatches: number;
  forwardedLines: number;
  duplicateBatches: number;
  rejectedBatches: number;
  lastForwardAt: number | null;
  forwardErrors: number;
  lastError: string | null;
}

/** Statuses that say "this batch will never be accepted": it is set aside, not retried. */
const POISON = new Set([400, 404, 413, 415, 422]);

export class Collector {
  readonly buffer: DiskBuffer;
  private readonly id: string;
  private readonly stats = {
    forwardedBatches: 0,
    forwardedLines: 0,
    duplicateBatches: 0,
    rejectedBatches: 0,
    lastForwardAt: null as number | null,
    forwardErrors: 0,
    lastError: null as string | null,
  };
  private wake: (() => void) | null = null;

  constructor(private readonly opts: CollectorOptions) {
    this.buffer = new DiskBuffer(
      opts.bufferDir,
      opts.maxBufferBytes ?? 256 * 1024 * 1024,
      opts.bufferFull ?? 'block',
    );
    this.id = collectorId(opts.bufferDir);
  }

  health(): CollectorHealth {
    return {
      sources: this.opts.sources.map((s) => s.health()),
      buffer: {
        ...this.buffer.size,
        maxBytes: this.buffer.maxBytes,
        droppedBatches: this.buffer.droppedBatches,
        droppedLines: this.buffer.droppedLines,
      },
      ...this.stats,
    };
  }

  /** Runs the sources and the forwarder until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const runs = this.opts.sources.map((s) => s.start({ write: (b) => this.accept(s, b) }, signal));
    await Promise.all([...runs, this.forward(signal)]);
  }

  private async accept(source: Source, batch: SourceBatch): Promise<void> {
    const tag = createHash('sha256').update(source.name).digest('hex').slice(0, 8);
    const base = batch.key === undefined ? undefined : `${this.id}:${tag}:${batch.key}`;
    const max = this.opts.maxLinesPerRequest ?? 2000;
    if (batch.format === 'accountant' || batch.lines.length <= max) {
      await this.buffer.append(batch.format, batch.lines, base, batch.cluster);
    } else {
      for (let i = 0; i * max < batch.lines.length; i++) {
        const part = batch.lines.slice(i * max, (i + 1) * max);
        await this.buffer.append(
          batch.format,
          part,
          base === undefined ? undefined : `${base}#${i}`,
          batch.cluster,
        );
      }
    }
    this.wake?.();
  }

  private async forward(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.opts.backoff);
    const fetchFn = this.opts.fetchFn ?? fetch;
    while (!signal.aborted) {
      const b = this.buffer.peek();
      if (b === null) {
        // An idle collector loops here twice a second: every listener must come off again.
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, 500);
          this.wake = done;
          signal.addEventListener('abort', done, { once: true });
        });
        this.wake = null;
        continue;
      }
      const url = new URL(this.opts.to);
      url.searchParams.set('format', b.format);
      const cluster = b.cluster ?? this.opts.cluster;
      if (cluster) url.searchParams.set('cluster', cluster);
      const key = b.key.startsWith('b-') ? `${this.id}:${b.key}` : b.key;
      try {
        const res = await fetchFn(url, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${this.opts.token}`,
            'content-type': 'application/x-ndjson',
            'content-encoding': 'gzip',
            'idempotency-key': key,
          },
          body: gzipSync(`${b.lines.join('\n')}\n`),
          signal: AbortSignal.any([
            signal,
            AbortSignal.timeout(this.opts.requestTimeoutMs ?? 30_000),
          ]),
        });
        const text = await res.text();
        if (res.ok) {
          const reply = safeJson(text);
          if (reply?.['duplicate'] === true) this.stats.duplicateBatches++;
          this.buffer.remove(b.file);
          this.stats.forwardedBatches++;
          this.stats.forwardedLines += b.lines.length;
          this.stats.lastForwardAt = Date.now();
          backoff.reset();
          continue;
        }
        if (POISON.has(res.status)) {
          this.buffer.reject(b.file);
          this.stats.rejectedBatches++;
          this.noteError(`centre refused a batch (HTTP ${res.status}): ${text.slice(0, 200)}`);
          continue;
        }
        this.noteError(`centre answered HTTP ${res.status}`);
        // A busy or full centre (503) says when to come back: wait at least that long, up to
        // the collector's own longest backoff.
        const wait = retryAfterMs(res.headers.get('retry-after'));
        if (wait !== null) {
          const longest = this.opts.backoff?.maxMs ?? 30_000;
          await sleep(Math.max(Math.min(wait, longest), backoff.next()), signal);
          continue;
        }
      } catch (err) {
        if (signal.aborted) break;
        this.noteError(err instanceof Error ? err.message : String(err));
      }
      await sleep(backoff.next(), signal);
    }
  }

  private noteError(message: string): void {
    this.stats.forwardErrors++;
    this.stats.lastError = message;
  }
}

/** `Retry-After` in seconds (the form our server sends), capped at 5 minutes; else null. */
function retryAfterMs(header: string | null): number | null {
  if (header === null || !/^\d{1,6}$/.test(header.trim())) return null;
  return Math.min(Number(header.trim()), 300) * 1000;
}

function safeJson(text: string): Record<string, unknown> | null {
  try {
    const o = JSON.parse(text) as unknown;
    return typeof o === 'object' && o !== null ? (o as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A stable id for this collector's buffer, so its keys never collide with another's. */
function collectorId(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'collector-id');
  if (existsSync(path)) {
    const id = readFileSync(path, 'utf8').trim();
    if (/^[A-Za-z0-9-]{8,64}$/.test(id)) return id;
  }
  const id = randomUUID();
  writeFileSync(path, `${id}\n`);
  return id;
}
