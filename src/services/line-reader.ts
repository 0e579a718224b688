/**
 * Streams text input line by line in constant memory. Lines are handed out in arrays (one per
 * chunk read) because an `await` per line costs more than parsing a short JSON line does.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync, statSync } from 'node:fs';
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
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
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

const CHUNK_BYTES = 256 * 1024;
const NEWLINE = 0x0a;

function splitDecoded(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] as string;
    if (l.endsWith('\r')) lines[i] = l.slice(0, -1);
  }
  return lines;
}

/**
 * Reads an uncompressed regular file line by line with synchronous reads into one reused
 * buffer. For `netsec import` this beats a stream: no wait for the thread pool between chunks
 * and no decoder state, because chunks are cut at the last newline byte (always a character
 * boundary in UTF-8). Lines longer than `maxLineChars` bytes become `OVERLONG_LINE`.
 * `progress.bytes` is updated as the file is read.
 */
export function* readFileLinesSync(
  path: string,
  progress: { bytes: number } = { bytes: 0 },
  maxLineChars = DEFAULT_MAX_LINE_CHARS,
): Generator<string[]> {
  const fd = openSync(path, 'r');
  try {
    if (!fstatSync(fd).isFile()) throw new Error(`${path}: not a regular file`);
    let buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let used = 0;
    let skipping = false;
    for (;;) {
      if (used === buf.length) {
        if (buf.length > maxLineChars) {
          // One line fills the buffer and exceeds the limit: drop it up to its newline.
          skipping = true;
          used = 0;
        } else {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, used);
          buf = bigger;
        }
      }
      const n = readSync(fd, buf, used, buf.length - used, null);
      progress.bytes += n;
      if (n === 0) break;
      const end = used + n;
      const nl = buf.lastIndexOf(NEWLINE, end - 1);
      if (nl < 0) {
        used = end;
        continue;
      }
      const lines = splitDecoded(buf.toString('utf8', 0, nl));
      if (skipping) {
        lines[0] = OVERLONG_LINE;
        skipping = false;
      }
      for (let i = 0; i < lines.length; i++) {
        if ((lines[i] as string).length > maxLineChars) lines[i] = OVERLONG_LINE;
      }
      yield lines;
      used = end - nl - 1;
      buf.copy(buf, 0, nl + 1, end);
    }
    if (skipping) yield [OVERLONG_LINE];
    else if (used > 0) yield splitDecoded(buf.toString('utf8', 0, used));
  } finally {
    closeSync(fd);
  }
}

export interface LineInput {
  chunks: AsyncIterable<string[]> | Iterable<string[]>;
  /** Bytes of the file read so far (compressed bytes for gzip), for progress. */
  bytesRead(): number;
  size: number | null;
}

/**
 * Lines of a file (or `-` for stdin): the synchronous reader for plain regular files, a gunzip
 * stream for gzip (by `.gz` or magic bytes), a stream for stdin and other special files.
 * Nothing is opened until iteration starts.
 */
export function openLines(path: string): LineInput {
  if (path !== '-' && statSync(path).isFile() && !looksGzipped(path)) {
    const progress = { bytes: 0 };
    return {
      chunks: { [Symbol.iterator]: () => readFileLinesSync(path, progress) },
      bytesRead: () => progress.bytes,
      size: statSync(path).size,
    };
  }
  let opened: OpenedInput | null = null;
  return {
    chunks: {
      [Symbol.asyncIterator]: () => {
        opened = openInput(path);
        return readLineChunks(opened.stream);
      },
    },
    bytesRead: () => opened?.bytesRead() ?? 0,
    size: path === '-' ? null : statSync(path).size,
  };
}
