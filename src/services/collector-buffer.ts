/**
 * The collector's disk buffer: one file per batch (`<seq>.batch`: a JSON header line, then the
 * lines), written to a temporary name, fsynced and renamed, so a batch is either whole on disk
 * or absent. Each batch's idempotency key is fixed when it is written, so every retry (also
 * after a restart) sends the same key and the centre counts it once.
 *
 * Bounded by `maxBytes`. When full, the `block` policy (default) makes `append` wait until the
 * forwarder frees space: sources stop reading (a file tail keeps its offset; a gRPC stream is
 * paused and Relay reports what it drops as lost events). `drop-oldest` deletes the oldest
 * batches instead and counts them.
 */
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

import type { IngestFormat } from '../formats/parser.js';

export type BufferFullPolicy = 'block' | 'drop-oldest';

export interface BufferedBatch {
  file: string;
  key: string;
  format: IngestFormat;
  lines: string[];
  bytes: number;
  cluster?: string;
}

interface Header {
  key: string;
  format: IngestFormat;
  cluster?: string;
}

const SUFFIX = '.batch';

export class DiskBuffer {
  private seq = 0;
  private bytes = 0;
  private readonly files: { name: string; bytes: number }[] = [];
  private waiters: (() => void)[] = [];
  droppedBatches = 0;
  droppedLines = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    readonly policy: BufferFullPolicy = 'block',
  ) {
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.tmp')) rmSync(join(dir, name), { force: true }); // torn write
    }
    const names = readdirSync(dir)
      .filter((n) => n.endsWith(SUFFIX))
      .sort();
    for (const name of names) {
      const bytes = statSync(join(dir, name)).size;
      this.files.push({ name, bytes });
      this.bytes += bytes;
      this.seq = Math.max(this.seq, Number.parseInt(name, 10) || 0);
    }
  }

  get size(): { batches: number; bytes: number } {
    return { batches: this.files.length, bytes: this.bytes };
  }

  /** Stores a batch durably; resolves once it is on disk. */
  async append(
    format: IngestFormat,
    lines: readonly string[],
    key?: string,
    cluster?: string,
  ): Promise<void> {
    const header: Header = { key: key ?? `b-${randomUUID()}`, format };
    if (cluster !== undefined) header.cluster = cluster;
    const body = Buffer.from(`${JSON.stringify(header)}\n${lines.join('\n')}\n`, 'utf8');
    if (body.length > this.maxBytes) throw new Error('batch larger than the whole buffer');
    while (this.bytes + body.length > this.maxBytes) {
      if (this.policy === 'drop-oldest') this.dropOldest();
      else await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    const name = `${String(++this.seq).padStart(12, '0')}${SUFFIX}`;
    const tmp = join(this.dir, `${name}.tmp`);
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, body);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(this.dir, name));
    syncDir(this.dir);
    this.files.push({ name, bytes: body.length });
    this.bytes += body.length;
  }

  /** The oldest batch, or null when empty. */
  peek(): BufferedBatch | null {
    const f = this.files[0];
    if (!f) return null;
    const text = readFileSync(join(this.dir, f.name), 'utf8');
    const nl = text.indexOf('\n');
    const header = JSON.parse(text.slice(0, nl)) as Header;
    const lines = text.slice(nl + 1).split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    const out: BufferedBatch = {
      file: f.name,
      key: header.key,
      format: header.format,
      lines,
      bytes: f.bytes,
    };
    if (typeof header.cluster === 'string') out.cluster = header.cluster;
    return out;
  }

  /** Removes a batch the centre acknowledged. */
  remove(file: string): void {
    const i = this.files.findIndex((f) => f.name === file);
    if (i < 0) return;
    const [f] = this.files.splice(i, 1);
    rmSync(join(this.dir, file), { force: true });
    this.bytes -= f?.bytes ?? 0;
    const w = this.waiters;
    this.waiters = [];
    for (const wake of w) wake();
  }

  /** Moves a batch the centre refused for good aside (kept for inspection, not retried). */
  reject(file: string): void {
    mkdirSync(join(this.dir, 'rejected'), { recursive: true });
    renameSync(join(this.dir, file), join(this.dir, 'rejected', file));
    const i = this.files.findIndex((f) => f.name === file);
    if (i >= 0) {
      const [f] = this.files.splice(i, 1);
      this.bytes -= f?.bytes ?? 0;
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  private dropOldest(): void {
    const b = this.peek();
    if (!b) return;
    this.droppedBatches++;
    this.droppedLines += b.lines.length;
    const i = this.files.findIndex((f) => f.name === b.file);
    const [f] = this.files.splice(i, 1);
    rmSync(join(this.dir, b.file), { force: true });
    this.bytes -= f?.bytes ?? 0;
  }
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}
