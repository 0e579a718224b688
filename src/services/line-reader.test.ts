import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import {
  openInput,
  openLines,
  OVERLONG_LINE,
  readFileLinesSync,
  readLineChunks,
} from './line-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'netsec-lines-'));

async function collect(chunks: AsyncIterable<string[]>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of chunks) out.push(...c);
  return out;
}

describe('readLineChunks', () => {
  it('splits across chunk boundaries, strips CR, keeps a last line without newline', async () => {
    const parts = ['a\r\nb', 'c\n', '\nd\u00e9', 'f'];
    expect(await collect(readLineChunks(Readable.from(parts)))).toEqual(['a', 'bc', '', 'déf']);
  });

  it('decodes a multi-byte character split between buffers', async () => {
    const bytes = Buffer.from('x\u00e9y\n', 'utf8');
    const parts = [bytes.subarray(0, 2), bytes.subarray(2)];
    expect(await collect(readLineChunks(Readable.from(parts)))).toEqual(['xéy']);
  });

  it('replaces an overlong line and keeps the following ones', async () => {
    const parts = ['ok\n', 'x'.repeat(30), 'y'.repeat(30), '\nnext\n'];
    expect(await collect(readLineChunks(Readable.from(parts), 40))).toEqual([
      'ok',
      OVERLONG_LINE,
      'next',
    ]);
  });
});

describe('openInput', () => {
  it('reads gzip by extension and by magic bytes', async () => {
    const text = 'one\ntwo\n';
    const byExt = join(dir, 'a.jsonl.gz');
    const byMagic = join(dir, 'b.jsonl');
    writeFileSync(byExt, gzipSync(text));
    writeFileSync(byMagic, gzipSync(text));
    for (const p of [byExt, byMagic]) {
      const input = openInput(p);
      expect(input.gzip).toBe(true);
      expect(await collect(readLineChunks(input.stream))).toEqual(['one', 'two']);
    }
    const plain = join(dir, 'c.jsonl');
    writeFileSync(plain, text);
    expect(openInput(plain).gzip).toBe(false);
  });
});

describe('readFileLinesSync', () => {
  it('matches the stream reader on every chunk boundary, CRLF and a missing final newline', async () => {
    const text = Array.from(
      { length: 5000 },
      (_, i) => `{"n":${i},"s":"\u00e9\u4e2d${'x'.repeat(i % 97)}"}`,
    )
      .join('\r\n')
      .concat('\n\nlast');
    const p = join(dir, 'sync.jsonl');
    writeFileSync(p, text);
    const progress = { bytes: 0 };
    const sync = [...readFileLinesSync(p, progress)].flat();
    expect(sync).toEqual(await collect(readLineChunks(Readable.from([Buffer.from(text)]))));
    expect(sync[4999]).toBe(`{"n":4999,"s":"\u00e9\u4e2d${'x'.repeat(4999 % 97)}"}`);
    expect(sync.slice(-2)).toEqual(['', 'last']);
    expect(sync).toHaveLength(5002);
    expect(progress.bytes).toBe(Buffer.byteLength(text));
  });

  it('grows for long lines and replaces lines over the limit', () => {
    const p = join(dir, 'long.jsonl');
    const long = 'y'.repeat(600 * 1024);
    writeFileSync(p, `a\n${long}\nb\n${'z'.repeat(3 * 1024 * 1024)}\nc`);
    expect([...readFileLinesSync(p, { bytes: 0 }, 1024 * 1024)].flat()).toEqual([
      'a',
      long,
      'b',
      OVERLONG_LINE,
      'c',
    ]);
  });

  it('openLines reads plain files synchronously and gzip through a stream', async () => {
    const plain = join(dir, 'plain.jsonl');
    writeFileSync(plain, '1\n2\n');
    const gz = join(dir, 'z.jsonl.gz');
    writeFileSync(gz, gzipSync('3\n4\n'));
    const a = openLines(plain);
    expect(Symbol.iterator in a.chunks).toBe(true);
    expect([...(a.chunks as Iterable<string[]>)].flat()).toEqual(['1', '2']);
    expect(a.bytesRead()).toBe(4);
    const b = openLines(gz);
    expect(await collect(b.chunks as AsyncIterable<string[]>)).toEqual(['3', '4']);
  });
});
