/**
 * Follows a file that a producer appends to (the Hubble exporter's `hubble-export-file-path`)
 * across rotation, without loss or duplication:
 * - rename + create: the old file is read to its end (by inode, also after a restart, by
 *   looking for the inode among the siblings), then the new one from its start;
 * - copytruncate: a shrunk file, or one whose bytes before our offset changed, was copied and
 *   truncated; the copy with our fingerprint supplies the unread rest, then the file restarts
 *   at zero;
 * - a last line without its newline waits until it is complete.
 * The offset is saved only after the sink accepted the lines before it.
 */
import { closeSync, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import type { IngestFormat } from '../../formats/parser.js';
import { sleep } from '../backoff.js';
import type { Source, SourceHealthSnapshot, SourceOptions, SourceSink } from '../source.js';
import { HealthTracker } from '../source-health.js';
import {
  FINGERPRINT_BYTES,
  fingerprintMatches,
  fingerprintOfFile,
  loadTailState,
  saveTailState,
  type TailState,
} from './tail-state.js';

export interface FileTailOptions extends SourceOptions {
  path: string;
  /** State file (offset, inode, fingerprint); keep it outside the rotated files' folder or name it differently. */
  statePath: string;
  format?: IngestFormat;
  pollMs?: number;
  /** Without saved state: read the file from the start (default) or only what is appended. */
  fromStart?: boolean;
  maxReadBytes?: number;
}

interface Open {
  fd: number;
  dev: number;
  ino: number;
  offset: number;
  /** Bytes before `offset` that were delivered last (for the fingerprint). */
  tail: Buffer;
}

const TIME_RE = /"(?:time|start_time)":"([^"]+)"/;

export class FileTailSource implements Source {
  readonly kind = 'file' as const;
  private readonly tracker: HealthTracker;
  private cur: Open | null = null;
  private readonly format: IngestFormat;

  constructor(
    readonly name: string,
    private readonly opts: FileTailOptions,
  ) {
    this.tracker = new HealthTracker(name, 'file', opts.now);
    this.format = opts.format ?? 'hubble';
  }

  health(): SourceHealthSnapshot {
    return this.tracker.get();
  }

  async start(sink: SourceSink, signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        try {
          await this.pollOnce(sink);
        } catch (err) {
          this.tracker.error(err);
        }
        await sleep(this.opts.pollMs ?? 250, signal);
      }
    } finally {
      this.close();
      this.tracker.state('stopped');
    }
  }

  /** Reads whatever is new (following a rotation if one happened) and delivers it. */
  async pollOnce(sink: SourceSink): Promise<void> {
    if (this.cur === null && !(await this.openInitial(sink))) return;
    const cur = this.cur as Open;
    let st: ReturnType<typeof statSync> | null = null;
    try {
      st = statSync(this.opts.path);
    } catch {
      st = null; // renamed away and not yet re-created
    }
    const size = fstatSync(cur.fd).size;
    const truncated =
      size < cur.offset ||
      (cur.tail.length > 0 && !fingerprintMatches(cur.fd, cur.offset, cur.tail.toString('base64')));
    if (truncated) {
      await this.recoverFromCopy(sink, cur);
      cur.offset = 0;
      cur.tail = Buffer.alloc(0);
      this.save(cur);
    }
    await this.drain(sink, cur, false);
    if (st !== null && (st.ino !== cur.ino || st.dev !== cur.dev)) {
      // Rotated by rename: finish the old file (a final partial line included), then switch.
      await this.drain(sink, cur, true);
      closeSync(cur.fd);
      this.cur = this.openAt(this.opts.path, 0);
      if (this.cur) {
        this.save(this.cur);
        await this.drain(sink, this.cur, false);
      }
    }
  }

  close(): void {
    if (this.cur) closeSync(this.cur.fd);
    this.cur = null;
  }

  private openAt(path: string, offset: number): Open | null {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return null;
    }
    const st = fstatSync(fd);
    this.tracker.connected();
    return { fd, dev: st.dev, ino: st.ino, offset, tail: Buffer.alloc(0) };
  }

  /** First open: resume from the saved state, finishing a file rotated while we were down. */
  private async openInitial(sink: SourceSink): Promise<boolean> {
    const state = loadTailState(this.opts.statePath);
    if (state === null) {
      const o = this.openAt(this.opts.path, 0);
      if (o === null) return false;
      if (this.opts.fromStart === false) o.offset = fstatSync(o.fd).size;
      this.cur = o;
      return true;
    }
    const current = this.openAt(this.opts.path, 0);
    if (current && current.ino === state.ino && current.dev === state.dev) {
      current.offset = state.offset;
      current.tail = Buffer.from(state.fingerprint, 'base64');
      this.cur = current; // a truncation while down is caught by pollOnce's fingerprint check
      return true;
    }
    // The file we were reading was rotated away: find it by inode and read its rest.
    const old = this.sibling((p) => {
      const s = statSync(p);
      return s.ino === state.ino && s.dev === state.dev;
    });
    if (old !== null) {
      const o = this.openAt(old, state.offset);
      if (o) {
        o.tail = Buffer.from(state.fingerprint, 'base64');
        await this.drain(sink, o, true);
        closeSync(o.fd);
      }
    } else {
      this.tracker.error(
        new Error(`rotated file (inode ${state.ino}) not found; its rest is lost`),
      );
    }
    if (current === null) return false;
    this.cur = current;
    this.save(current);
    return true;
  }

  /** After copytruncate: the copy that holds our fingerprint at our offset has the unread rest. */
  private async recoverFromCopy(sink: SourceSink, cur: Open): Promise<void> {
    const fp = cur.tail.toString('base64');
    const copy = this.sibling(
      (p) => statSync(p).ino !== cur.ino && fingerprintOfFile(p, cur.offset, fp),
    );
    if (copy === null) {
      if (cur.offset > 0) this.tracker.error(new Error('file truncated; rotated copy not found'));
      return;
    }
    const o = this.openAt(copy, cur.offset);
    if (o === null) return;
    o.tail = cur.tail;
    await this.drain(sink, o, true);
    closeSync(o.fd);
  }

  /** Rotated siblings: same folder, name starting with the file's name (`x.log.1`, `x.log-2026…`). */
  private sibling(pred: (path: string) => boolean): string | null {
    const dir = dirname(this.opts.path);
    const base = basename(this.opts.path);
    const names = readdirSync(dir)
      .filter((n) => n !== base && n.startsWith(base) && !n.endsWith('.gz'))
      .sort();
    for (const n of names) {
      const p = join(dir, n);
      try {
        if (p !== this.opts.statePath && pred(p)) return p;
      } catch {
        // Vanished between listing and stat.
      }
    }
    return null;
  }

  /** Delivers complete lines from `o.offset` to the end; `final` also delivers a last partial line. */
  private async drain(sink: SourceSink, o: Open, final: boolean): Promise<void> {
    const max = this.opts.maxReadBytes ?? 1024 * 1024;
    for (;;) {
      const buf = Buffer.alloc(max);
      const n = readSync(o.fd, buf, 0, max, o.offset);
      if (n === 0) return;
      const chunk = buf.subarray(0, n);
      let end = chunk.lastIndexOf(0x0a) + 1;
      if (end === 0) {
        if (!final && n < max) return; // a partial line: wait for its end
        end = n; // a line longer than the read size, or the last bytes of a rotated file
      }
      const text = chunk.subarray(0, end).toString('utf8');
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      let newest: number | null = null;
      for (let i = lines.length - 1; i >= 0 && newest === null; i--) {
        const m = TIME_RE.exec(lines[i] as string);
        const t = m ? Date.parse(m[1] as string) : NaN;
        if (!Number.isNaN(t)) newest = t;
      }
      const key = `file:${o.dev}:${o.ino}:${o.offset}-${o.offset + end}`;
      if (lines.length > 0) {
        await sink.write({ format: this.format, lines, newestDataAt: newest, key });
        this.tracker.delivered(lines.length, newest);
      }
      o.offset += end;
      o.tail = Buffer.concat([o.tail, chunk.subarray(0, end)]).subarray(-FINGERPRINT_BYTES);
      // Also for a rotated file: its inode is the resume point until we move on.
      this.save(o);
      if (n < max && end === n) return;
    }
  }

  private save(o: Open): void {
    saveTailState(this.opts.statePath, this.stateOf(o));
  }

  private stateOf(o: Open): TailState {
    return { dev: o.dev, ino: o.ino, offset: o.offset, fingerprint: o.tail.toString('base64') };
  }
}
