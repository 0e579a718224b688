/** Contract: retention at tier boundaries, ingest tokens, stats, durability across reopen. */
import { expect, it } from 'vitest';

import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../domain/time.js';
import { DEFAULT_RETENTION } from '../flow-store.js';
import { allFlows, batchOf, type ContractContext } from './context.js';
import { makeAllowedFlow, makeFlow, T0 } from './flow-fixtures.js';

export function registerLifecycleTests(ctx: ContractContext): void {
  it('applies retention exactly at each tier boundary, with an injected clock', async () => {
    const now = T0 + 500 * DAY_MS;
    const rawCut = now - DEFAULT_RETENTION.rawMs;
    const cut1m = now - DEFAULT_RETENTION.rollup1mMs;
    const cut1h = now - DEFAULT_RETENTION.rollup1hMs;
    const times = {
      a: rawCut - 1,
      b: rawCut,
      c: cut1m - MINUTE_MS,
      d: cut1m - 1,
      e: cut1m,
      f: cut1h - 1,
      g: cut1h,
    };
    for (const [name, time] of Object.entries(times)) {
      await ctx.store().writeBatch(batchOf(name, [makeFlow({ time })], { receivedAt: time }));
    }
    const res = await ctx.store().applyRetention(now, DEFAULT_RETENTION);
    // toMatchObject: a store with a daily tier also reports its figures.
    expect(res).toMatchObject({
      rawDeleted: 6,
      rollup1mDeleted: 3,
      rollup1hDeleted: 1,
      batchesDeleted: 6,
    });
    expect((await allFlows(ctx.store())).map((f) => f.time)).toEqual([times.b]);
    const buckets = async (resolution: '1m' | '1h'): Promise<number[]> =>
      (await ctx.store().queryRollups({ resolution, groupBy: ['bucket'] }))
        .map((r) => r.bucket as number)
        .sort((x, y) => x - y);
    // A rollup bucket is deleted once it ends at or before the cutoff.
    expect(await buckets('1m')).toEqual([cut1m, rawCut - MINUTE_MS, rawCut]);
    expect(await buckets('1h')).toEqual([cut1h, cut1m - HOUR_MS, cut1m, rawCut - HOUR_MS, rawCut]);
    // Batch ids are remembered as long as raw events: an older id is accepted again.
    expect((await ctx.store().writeBatch(batchOf('b', [makeFlow({ time: now })]))).duplicate).toBe(
      true,
    );
    expect((await ctx.store().writeBatch(batchOf('a', [makeFlow({ time: now })]))).duplicate).toBe(
      false,
    );
    expect(await ctx.store().applyRetention(now, DEFAULT_RETENTION)).toMatchObject({
      rawDeleted: 0,
      rollup1mDeleted: 0,
      rollup1hDeleted: 0,
      batchesDeleted: 0,
    });
  });

  it('keeps writing correct rollups after retention removed old keys', async () => {
    const now = T0 + 500 * DAY_MS;
    await ctx.store().writeBatch(batchOf('old', [makeFlow({ time: T0 })]));
    await ctx.store().applyRetention(now, DEFAULT_RETENTION);
    await ctx
      .store()
      .writeBatch(batchOf('new', [makeFlow({ time: now }), makeFlow({ time: now })]));
    const rows = await ctx.store().queryRollups({ resolution: '1h' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ bucket: now, srcNamespace: 'shop', flows: 2 });
  });

  it('rejects a retention policy that is not positive', async () => {
    await expect(
      ctx.store().applyRetention(T0, { ...DEFAULT_RETENTION, rawMs: 0 }),
    ).rejects.toThrow();
  });

  it('creates, finds, lists and revokes ingest tokens by hash', async () => {
    const s = ctx.store();
    const t = await s.createIngestToken('collector-eu1', 'prod-eu1', 'sha256:aaa', T0);
    expect(t).toMatchObject({
      name: 'collector-eu1',
      cluster: 'prod-eu1',
      createdAt: T0,
      lastUsedAt: null,
      revokedAt: null,
    });
    await s.createIngestToken('ci', null, 'sha256:bbb', T0 + 1);
    expect(await s.findIngestToken('sha256:zzz', T0 + 2)).toBeNull();
    expect(await s.findIngestToken('sha256:aaa', T0 + 5)).toMatchObject({
      id: t.id,
      lastUsedAt: T0 + 5,
    });
    expect((await s.listIngestTokens()).map((x) => [x.name, x.lastUsedAt])).toEqual([
      ['collector-eu1', T0 + 5],
      ['ci', null],
    ]);
    expect(await s.revokeIngestToken(t.id, T0 + 9)).toBe(true);
    expect(await s.revokeIngestToken(t.id, T0 + 10)).toBe(false);
    expect(await s.revokeIngestToken('no-such-id', T0 + 10)).toBe(false);
    expect(await s.findIngestToken('sha256:aaa', T0 + 11)).toBeNull();
    expect((await s.listIngestTokens())[0]).toMatchObject({
      revokedAt: T0 + 9,
      lastUsedAt: T0 + 5,
    });
    await expect(s.createIngestToken('dup', null, 'sha256:bbb', T0)).rejects.toThrow();
  });

  it('reports stats: counts, oldest and newest data, size and schema version', async () => {
    const empty = await ctx.store().stats();
    expect(empty).toMatchObject({
      rawEvents: 0,
      rollup1m: 0,
      rollup1h: 0,
      batches: 0,
      oldest: null,
      newest: null,
    });
    expect(empty.schemaVersion).toBeGreaterThanOrEqual(1);
    expect(await ctx.store().extent()).toEqual({
      oldest: null,
      newest: null,
      sizeBytes: expect.any(Number),
    });
    await ctx
      .store()
      .writeBatch(
        batchOf('s1', [makeFlow({ time: T0 + 5 }), makeFlow({ time: T0 + 2 * HOUR_MS })]),
      );
    await ctx.store().writeBatch(batchOf('s2', [makeAllowedFlow({ time: T0 + 3 * HOUR_MS })]));
    const s = await ctx.store().stats();
    expect(s).toMatchObject({
      rollup1m: 3,
      rollup1h: 3,
      batches: 2,
      oldest: T0 + 5,
      newest: T0 + 3 * HOUR_MS + 15_000,
    });
    expect(s.rawEvents).toBeGreaterThanOrEqual(2);
    expect(s.sizeBytes).toBeGreaterThan(0);
    // The extent alone, as /metrics and /readyz read it: the same ends, no counts.
    expect(await ctx.store().extent()).toEqual({
      oldest: T0 + 5,
      newest: T0 + 3 * HOUR_MS + 15_000,
      sizeBytes: expect.any(Number),
    });
  });

  it('keeps data, batch ids and tokens across close and reopen', async () => {
    await ctx.store().writeBatch(batchOf('keep', [makeFlow(), makeFlow({ time: T0 + 1 })]));
    await ctx.store().createIngestToken('t', null, 'h', T0);
    await ctx.store().close();
    const again = await ctx.reopen();
    expect((await allFlows(again)).length).toBe(2);
    expect((await again.writeBatch(batchOf('keep', [makeFlow()]))).duplicate).toBe(true);
    expect(await again.findIngestToken('h', T0 + 1)).not.toBeNull();
    const [row] = await again.queryRollups({ resolution: '1m', groupBy: [] });
    expect(row?.flows).toBe(2);
  });
}
