import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';

import { describe, expect, it } from 'vitest';

import { openInput, OVERLONG_LINE, readLineChunks } from './line-reader.js';

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
