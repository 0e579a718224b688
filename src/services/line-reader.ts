/**
 * Streams text input line by line in constant memory. Lines are handed out in arrays (one per
 * chunk read) because an `await` per line costs more than parsing a short JSON line does.
 */
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Stands in for a line longer than the limit; its content was dropped to bound memory. */
export const OVERLONG_LINE = '\u0000netsec:overlong-line\u0000';
export const DEFAULT_MAX_LINE_CHARS = 8 * 1024 * 1024;

export interface OpenedInput {
  stream: Readable;
  /** Bytes of the file read so far (compressed bytes for `.gz`), for progress. */
  bytesRead(): number;
  /** Size of the file on disk, or null for stdin. */
  size: number | null;
  gzip: boolean;
}

function looksGzipped(path: string): boolean {
  if (path.endsWith('.gz')) return true;
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Opens a file (or `-` for stdin), gunzipping it when it ends in `.gz` or starts with gzip's magic bytes. */
export function openInput(path: string): OpenedInput {
  if (path === '-') {
    return { stream: process.stdin, bytesRead: () => 0, size: null, gzip: false };
  }
  const size = statSync(path).size;
  const gzip = looksGzipped(path);
  const file = createReadStream(path, { highWaterMark: 1024 * 1024 });
  if (!gzip) return { stream: file, bytesRead: () => file.bytesRead, size, gzip };
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  file.on('error', (err) => gunzip.destroy(err));
  return { stream: file.pipe(gunzip), bytesRead: () => file.bytesRead, size, gzip };
}

/**
 * Splits a stream into lines without their `\n` (and a trailing `\r`). The last line is
 * emitted even without a final newline. A line longer than `maxLineChars` is replaced by
 * `OVERLONG_LINE` so one bad record cannot exhaust memory.
 */
export async function* readLineChunks(
  stream: AsyncIterable<Buffer | string>,
  maxLineChars = DEFAULT_MAX_LINE_CHARS,
): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let overlong = false;
  for await (const chunk of stream) {
    const text =
      rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    const lines = text.split('\n');
    rest = lines.pop() as string;
    if (overlong && lines.length > 0) {
      lines[0] = OVERLONG_LINE;
      overlong = false;
    }
    if (rest.length > maxLineChars) {
      rest = '';
      overlong = true;
    }
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i] as string;
      if (l.length > maxLineChars) lines[i] = OVERLONG_LINE;
      else if (l.endsWith('\r')) lines[i] = l.slice(0, -1);
    }
    if (lines.length > 0) yield lines;
  }
  const tail = rest + decoder.decode();
  if (overlong) yield [OVERLONG_LINE];
  else if (tail.length > 0) yield [tail.endsWith('\r') ? tail.slice(0, -1) : tail];
}
