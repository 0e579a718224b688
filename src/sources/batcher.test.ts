import { describe, expect, it } from 'vitest';

import { LineBatcher, type Pending } from './batcher.js';
import type { SourceSink } from './source.js';

const item = (n: number): Pending<number> => ({ line: `l${n}`, meta: n, timeMs: n });

/** A sink that records what it took and fails the writes it is told to. */
function sink(failWrites: number[] = []): SourceSink & { written: string[][]; calls: number } {
  const s = {
    written: [] as string[][],
    calls: 0,
    write: async (b: { lines: string[] }) => {
      s.calls++;
      if (failWrites.includes(s.calls)) throw new Error(`write ${s.calls} failed`);
      s.written.push(b.lines);
    },
  };
  return s as unknown as SourceSink & { written: string[][]; calls: number };
}

describe('LineBatcher.settle, after the stream failed', () => {
  it('writes the lines queued so far and reports them committed', async () => {
    const out = sink();
    const committed: number[] = [];
    const b = new LineBatcher<number>(
      out,
      'goldmane',
      (xs) => committed.push(...xs.map((x) => x.meta)),
      100,
      60_000,
    );
    for (const n of [1, 2, 3]) await b.add(item(n));
    expect(out.written).toEqual([]);
    await b.settle();
    expect(out.written).toEqual([['l1', 'l2', 'l3']]);
    expect(committed).toEqual([1, 2, 3]);
  });

  it('writes nothing more once a write failed: those records must come again', async () => {
    const out = sink([1]);
    const committed: number[] = [];
    const b = new LineBatcher<number>(
      out,
      'goldmane',
      (xs) => committed.push(...xs.map((x) => x.meta)),
      2,
      60_000,
    );
    await b.add(item(1));
    await expect(b.add(item(2))).rejects.toThrow('write 1 failed');
    await b.add(item(3));
    await b.settle();
    expect(out.calls).toBe(1);
    expect(out.written).toEqual([]);
    expect(committed).toEqual([]);
  });
});
