import { describe, expect, it } from 'vitest';

import type { Flow } from '../domain/flow.js';
import { batchOf } from '../store/contract/context.js';
import { makeFlow, makeFlows } from '../store/contract/flow-fixtures.js';
import type { BatchResult, IngestBatch } from '../store/flow-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { GroupCommitter } from './group-commit.js';

/** A real in-memory store that records the size of every group it was asked to write. */
function countingStore(): {
  store: ReturnType<typeof openSqliteStore>;
  groups: number[];
} {
  const store = openSqliteStore({ path: ':memory:' });
  const groups: number[] = [];
  const native = store.writeBatches.bind(store);
  store.writeBatches = async (b: readonly IngestBatch[]): Promise<BatchResult[]> => {
    groups.push(b.length);
    return native(b);
  };
  return { store, groups };
}

describe('GroupCommitter', () => {
  it('commits concurrent callers together and gives each its own results', async () => {
    const { store, groups } = countingStore();
    const c = new GroupCommitter(store, { windowMs: 20 });
    const calls = Array.from({ length: 8 }, (_, i) =>
      c.commit([batchOf(`b${i}`, makeFlows(10 + i, { seed: i, deniedShare: 1 }))]),
    );
    const results = await Promise.all(calls);
    results.forEach((r, i) => {
      expect(r).toEqual([{ batchId: `b${i}`, duplicate: false, flows: 10 + i, rawEvents: 10 + i }]);
    });
    expect(groups).toEqual([8]);
    expect((await store.stats()).batches).toBe(8);
    await store.close();
  });

  it('detects duplicates within a group and against earlier commits', async () => {
    const { store } = countingStore();
    const c = new GroupCommitter(store, { windowMs: 20 });
    await c.commit([batchOf('seen', makeFlows(5, { deniedShare: 1 }))]);
    const [a, b, d] = await Promise.all([
      c.commit([batchOf('k', makeFlows(4, { seed: 2, deniedShare: 1 }))]),
      c.commit([batchOf('k', makeFlows(4, { seed: 2, deniedShare: 1 }))]),
      c.commit([batchOf('seen', makeFlows(5, { deniedShare: 1 }))]),
    ]);
    expect(a?.[0]?.duplicate).toBe(false);
    expect(b?.[0]?.duplicate).toBe(true);
    expect(d?.[0]?.duplicate).toBe(true);
    expect((await store.stats()).rawEvents).toBe(9);
    await store.close();
  });

  it('splits groups at maxBatches and commits callers arriving mid-write in the next group', async () => {
    const { store, groups } = countingStore();
    const c = new GroupCommitter(store, { windowMs: 50, maxBatches: 3 });
    const calls = Array.from({ length: 7 }, (_, i) =>
      c.commit([batchOf(`m${i}`, makeFlows(3, { seed: i }))]),
    );
    await Promise.all(calls);
    expect(groups.reduce((n, g) => n + g, 0)).toBe(7);
    expect(Math.max(...groups)).toBeLessThanOrEqual(3);
    await store.close();
  });

  it('isolates a failing batch: its caller gets the error, the others commit', async () => {
    const { store } = countingStore();
    const c = new GroupCommitter(store, { windowMs: 20 });
    const bad = { ...makeFlow(), time: Number.NaN } as Flow;
    const good = c.commit([batchOf('good', makeFlows(6, { deniedShare: 1 }))]);
    const broken = c.commit([batchOf('broken', [bad])]);
    await expect(broken).rejects.toThrow();
    expect((await good)[0]).toMatchObject({ batchId: 'good', duplicate: false });
    expect((await store.stats()).batches).toBe(1);
    await store.close();
  });

  it('does not keep a lone sequential caller waiting for the window', async () => {
    const { store, groups } = countingStore();
    const c = new GroupCommitter(store, { windowMs: 200 });
    const t0 = performance.now();
    for (let i = 0; i < 5; i++) await c.commit([batchOf(`s${i}`, makeFlows(2, { seed: i }))]);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(groups).toEqual([1, 1, 1, 1, 1]);
    await store.close();
  });
});
