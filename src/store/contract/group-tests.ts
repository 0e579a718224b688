/** Contract: group commit (`writeBatches`): per-batch idempotency, group-wide rollups, atomicity. */
import { expect, it } from 'vitest';

import type { Flow } from '../../domain/flow.js';
import { writeGroup } from '../flow-store.js';
import { allFlows, batchOf, type ContractContext } from './context.js';
import { makeFlow, makeFlows, T0 } from './flow-fixtures.js';

const sum = async (ctx: ContractContext, resolution: '1m' | '1h'): Promise<number | null> => {
  const [row] = await ctx.store().queryRollups({ resolution, groupBy: [] });
  return row?.flows ?? null;
};

export function registerGroupTests(ctx: ContractContext): void {
  it('writes several batches in one call, one result per batch in order', async () => {
    const a = makeFlows(30, { seed: 1 });
    const b = makeFlows(40, { seed: 2 });
    const c = makeFlows(5, { seed: 3, deniedShare: 1 });
    const res = await writeGroup(ctx.store(), [
      batchOf('g-a', a),
      batchOf('g-b', b),
      batchOf('g-c', c, { lostEvents: 4 }),
    ]);
    expect(res.map((r) => [r.batchId, r.duplicate, r.flows])).toEqual([
      ['g-a', false, 30],
      ['g-b', false, 40],
      ['g-c', false, 5],
    ]);
    expect(res[2]?.rawEvents).toBe(5);
    expect(await sum(ctx, '1m')).toBe(75);
    expect(await sum(ctx, '1h')).toBe(75);
    const stats = await ctx.store().stats();
    expect(stats.batches).toBe(3);
    expect(stats.rawEvents).toBe(res.reduce((n, r) => n + r.rawEvents, 0));
    const [health] = await ctx.store().sourceHealth();
    expect(health).toMatchObject({ source: 'hubble', flowsTotal: 75, lostEventsTotal: 4 });
  });

  it('sums rollups over the group exactly as the flows add up, per bucket and key', async () => {
    const flows = makeFlows(300, { seed: 5, spanMs: 600_000 });
    const parts = [flows.slice(0, 100), flows.slice(100, 200), flows.slice(200)];
    await writeGroup(
      ctx.store(),
      parts.map((p, i) => batchOf(`s-${i}`, p)),
    );
    const expected = new Map<string, number>();
    for (const f of flows) {
      const k = `${f.time - (f.time % 60_000)}|${f.src.namespace}|${f.verdict}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const rows = await ctx.store().queryRollups({
      resolution: '1m',
      groupBy: ['bucket', 'srcNamespace', 'verdict'],
      limit: 10_000,
    });
    const got = new Map(rows.map((r) => [`${r.bucket}|${r.srcNamespace}|${r.verdict}`, r.flows]));
    expect(got).toEqual(expected);
  });

  it('skips a batch committed before and a batch repeated inside the group', async () => {
    await ctx.store().writeBatch(batchOf('old', makeFlows(10, { seed: 7, deniedShare: 1 })));
    const res = await writeGroup(ctx.store(), [
      batchOf('old', makeFlows(3, { seed: 8, deniedShare: 1 })),
      batchOf('new', makeFlows(20, { seed: 9, deniedShare: 1 })),
      batchOf('new', makeFlows(6, { seed: 10, deniedShare: 1 })),
    ]);
    expect(res.map((r) => r.duplicate)).toEqual([true, false, true]);
    expect(res.map((r) => r.rawEvents)).toEqual([0, 20, 0]);
    expect(await sum(ctx, '1m')).toBe(30);
    expect((await allFlows(ctx.store())).length).toBe(30);
    expect((await ctx.store().stats()).batches).toBe(2);
    const [health] = await ctx.store().sourceHealth();
    expect(health?.flowsTotal).toBe(30);
  });

  it('accepts an empty group', async () => {
    expect(await writeGroup(ctx.store(), [])).toEqual([]);
    expect((await ctx.store().stats()).batches).toBe(0);
  });

  it('stores nothing of a group in which one batch fails, and the ids stay usable', async (t) => {
    // Reason for the skip: `writeGroup` falls back to one transaction per batch for a backend
    // without a native `writeBatches`, which cannot be atomic over the group.
    if (!ctx.store().writeBatches) t.skip();
    const bad = { ...makeFlow(), time: Number.NaN } as Flow;
    await expect(
      writeGroup(ctx.store(), [
        batchOf('ok-1', makeFlows(10, { seed: 11, deniedShare: 1 })),
        batchOf('broken', [makeFlow({ time: T0 }), bad]),
      ]),
    ).rejects.toThrow();
    expect((await ctx.store().stats()).rawEvents).toBe(0);
    expect((await ctx.store().stats()).batches).toBe(0);
    const again = await writeGroup(ctx.store(), [batchOf('ok-1', makeFlows(10, { seed: 11 }))]);
    expect(again[0]?.duplicate).toBe(false);
  });
}
