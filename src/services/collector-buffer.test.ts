import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { DiskBuffer } from './collector-buffer.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'netsec-buffer-'));
const lines = (n: number, tag: string): string[] =>
  Array.from({ length: n }, (_, i) => `${tag}-${i}`);

describe('collector disk buffer', () => {
  it('keeps batches, keys and order across a restart and drops torn writes', async () => {
    const d = dir();
    const a = new DiskBuffer(d, 1 << 20);
    await a.append('hubble', lines(3, 'x'), 'k1');
    await a.append('goldmane', lines(2, 'y'));
    writeFileSync(join(d, '000000000099.batch.tmp'), 'half a batch');
    const b = new DiskBuffer(d, 1 << 20);
    expect(b.size.batches).toBe(2);
    expect(readdirSync(d).some((n) => n.endsWith('.tmp'))).toBe(false);
    const first = b.peek();
    expect(first).toMatchObject({ key: 'k1', format: 'hubble', lines: lines(3, 'x') });
    b.remove(first!.file);
    const second = b.peek();
    expect(second?.format).toBe('goldmane');
    expect(second?.key).toMatch(/^b-/);
    // The key of a buffered batch never changes, so every retry is recognised by the centre.
    expect(new DiskBuffer(d, 1 << 20).peek()?.key).toBe(second?.key);
    await b.append('hubble', lines(1, 'z'));
    // New batches queue behind older ones, also after a restart (sequence continues).
    b.remove(second!.file);
    expect(b.peek()?.lines).toEqual(['z-0']);
  });

  it('drop-oldest stays within its bound and counts what it dropped', async () => {
    const buf = new DiskBuffer(dir(), 400, 'drop-oldest');
    for (let i = 0; i < 20; i++) await buf.append('hubble', lines(5, `b${i}`));
    expect(buf.size.bytes).toBeLessThanOrEqual(400);
    expect(buf.droppedBatches).toBeGreaterThan(0);
    expect(buf.droppedLines).toBe(buf.droppedBatches * 5);
    expect(buf.droppedBatches + buf.size.batches).toBe(20);
    expect(buf.peek()?.lines[0]).toBe(`b${buf.droppedBatches}-0`);
  });

  it('block makes writers wait until the forwarder frees space', async () => {
    const buf = new DiskBuffer(dir(), 200, 'block');
    await buf.append('hubble', lines(5, 'a'));
    await buf.append('hubble', lines(5, 'b'));
    let done = false;
    const pending = buf.append('hubble', lines(5, 'c')).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(false);
    expect(buf.size.bytes).toBeLessThanOrEqual(200);
    buf.remove(buf.peek()!.file);
    await pending;
    expect(done).toBe(true);
    expect(buf.droppedBatches).toBe(0);
  });

  it('refuses a batch larger than the whole buffer', async () => {
    await expect(new DiskBuffer(dir(), 10).append('hubble', lines(5, 'x'))).rejects.toThrow(
      /larger/,
    );
  });
});
