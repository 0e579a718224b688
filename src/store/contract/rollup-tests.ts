/** Contract: rollup grouping, filters and time windows; time series for charts. */
import { expect, it } from 'vitest';

import { InvalidQueryError, type RollupKeyField, type RollupRow } from '../flow-store.js';
import { batchOf, type ContractContext } from './context.js';
import { externalEndpoint, makeAllowedFlow, makeFlow, makeFlows, T0 } from './flow-fixtures.js';

const MIN = 60_000;

export function registerRollupTests(ctx: ContractContext): void {
  it('returns each group with its steps under binStepMs, one row per group', async () => {
    // T0 is 12:00. Two keys of the same source workload (ports 8443 and 9090), buckets 12:00,
    // 12:01, 12:04, 12:05 and 12:09, in steps of 5 minutes.
    const at = [0, 1, 4, 5, 9].map((m) => makeFlow({ time: T0 + m * MIN + 500 }));
    const other = makeFlow({ time: T0 + 4 * MIN + 700, port: 9090, packets: 7 });
    const allowed = makeAllowedFlow({ time: T0 + 2 * MIN });
    await ctx.store().writeBatch(batchOf('steps', [...at, other, allowed]));
    const rows = await ctx.store().queryRollups({
      resolution: '1m',
      from: T0 + MIN,
      to: T0 + 10 * MIN,
      groupBy: ['srcWorkload', 'verdict'],
      binStepMs: 5 * MIN,
      limit: 100,
    });
    const denied = rows.find((r) => r.verdict === 'denied');
    // The 12:00 bucket is outside the window; 12:01 and 12:04 of both keys merge into one step.
    expect(denied).toMatchObject({
      flows: 5,
      firstSeen: T0 + MIN + 500,
      lastSeen: T0 + 9 * MIN + 500,
    });
    // Hubble-style flows report no packets, the one on port 9090 does: NULL stays NULL.
    expect(denied?.bins).toEqual([
      { start: T0, flows: 3, packets: 7, bytes: null },
      { start: T0 + 5 * MIN, flows: 2, packets: null, bytes: null },
    ]);
    expect(denied?.packets).toBe(7);
    expect(rows.find((r) => r.verdict === 'allowed')?.bins).toEqual([
      { start: T0, flows: 3, packets: 42, bytes: 9000 },
    ]);
    // A group's steps add up to its totals.
    for (const r of rows) {
      expect(r.bins?.reduce((s, x) => s + (x.flows ?? 0), 0)).toBe(r.flows);
    }
    // One bucket wide: a step per bucket.
    const plain = await ctx.store().queryRollups({ resolution: '1m', groupBy: [], binStepMs: MIN });
    expect(plain[0]?.bins?.map((x) => x.start)).toEqual(
      [0, 1, 2, 4, 5, 9].map((m) => T0 + m * MIN),
    );
    for (const bad of [0, -MIN, 90_000, 1.5 * MIN]) {
      await expect(
        ctx.store().queryRollups({ resolution: '1m', groupBy: ['verdict'], binStepMs: bad }),
      ).rejects.toThrow(InvalidQueryError);
    }
    await expect(
      ctx.store().queryRollups({ resolution: '1m', groupBy: ['bucket'], binStepMs: MIN }),
    ).rejects.toThrow(/bucket/);
  });

  it('answers long windows the same from summed days as from hours, also after late data', async () => {
    const DAY = 86_400_000;
    const HOUR = 3_600_000;
    const day0 = T0 - (T0 % DAY);
    const now = day0 + 9 * DAY + 6 * HOUR;
    const flows = makeFlows(1500, { seed: 3, start: day0, spanMs: now - day0, deniedShare: 0.3 });
    for (let i = 0; i < flows.length; i += 300) {
      await ctx.store().writeBatch(batchOf(`long${i}`, flows.slice(i, i + 300)));
    }
    const windows = [
      [day0 + 5 * HOUR + 17, now],
      [day0, day0 + 4 * DAY],
      [day0 + DAY - 1, day0 + 8 * DAY + 23 * HOUR + 1],
    ] as const;
    const compare = async (): Promise<void> => {
      for (const [from, to] of windows) {
        const base = { resolution: '1h' as const, from, to, limit: 10_000 };
        for (const groupBy of [['srcNamespace', 'verdict', 'source'], []] as RollupKeyField[][]) {
          const [days, hours] = await Promise.all([
            ctx.store().queryRollups({ ...base, groupBy }),
            // A 7-hour step splits days, so this one reads hours alone.
            ctx.store().queryRollups({ ...base, groupBy, binStepMs: 7 * HOUR }),
          ]);
          const strip = (rows: RollupRow[]): string[] =>
            rows.map(({ bins: _bins, ...r }) => JSON.stringify(r)).sort();
          expect(strip(days)).toEqual(strip(hours));
          expect(days.length).toBeGreaterThan(0);
        }
        // Whole-day steps read the summed days too, and add up to the same totals.
        const [byDay] = await ctx.store().queryRollups({ ...base, groupBy: [], binStepMs: DAY });
        const [total] = await ctx.store().queryRollups({ ...base, groupBy: [] });
        expect(byDay?.bins?.reduce((s, b) => s + (b.flows ?? 0), 0)).toBe(total?.flows);
      }
    };
    await compare();
    const keep = { rawMs: 1000 * DAY, rollup1mMs: 1000 * DAY, rollup1hMs: 1000 * DAY };
    expect((await ctx.store().applyRetention(now, keep)).daysCompacted).toBe(9);
    await compare();
    // Late flows into summed days (one with a key never seen before) and into today.
    await ctx
      .store()
      .writeBatch(
        batchOf('late', [
          makeFlow({ time: day0 + 2 * DAY + 5 * HOUR, port: 1 }),
          makeFlow({ time: day0 + 2 * DAY + 6 * HOUR, port: 1 }),
          makeFlow({ time: day0 + 4 * DAY + 23 * HOUR + 59_000, packets: 9 }),
          makeFlow({ time: now - 1000 }),
        ]),
      );
    await compare();
    const late = await ctx
      .store()
      .queryRollups({ resolution: '1h', from: day0, to: now, port: 1, groupBy: ['port'] });
    expect(late).toMatchObject([{ port: 1, flows: 2 }]);
    expect((await ctx.store().applyRetention(now + HOUR, keep)).daysCompacted).toBe(0);
  });

  it('groups by a subset of the key and sums the rest', async () => {
    const flows = [
      makeFlow({ time: T0 }),
      makeFlow({ time: T0 + 1000, port: 9090 }),
      makeFlow({ time: T0 + 2 * MIN, dst: externalEndpoint('8.8.8.8'), direction: 'egress' }),
      makeAllowedFlow({ time: T0 + 3 * MIN }),
    ];
    await ctx.store().writeBatch(batchOf('g', flows));
    const byVerdict = await ctx.store().queryRollups({ resolution: '1m', groupBy: ['verdict'] });
    expect(byVerdict).toEqual([
      // Equal flows: the group with more packets comes first; NULL sorts last.
      {
        verdict: 'allowed',
        flows: 3,
        packets: 42,
        bytes: 9000,
        firstSeen: T0 + 3 * MIN,
        lastSeen: T0 + 3 * MIN + 15_000,
      },
      {
        verdict: 'denied',
        flows: 3,
        packets: null,
        bytes: null,
        firstSeen: T0,
        lastSeen: T0 + 2 * MIN,
      },
    ]);
    const dst = await ctx.store().queryRollups({
      resolution: '1h',
      groupBy: ['dstNamespace', 'dstWorkload', 'dstKind'],
      verdict: ['denied'],
    });
    expect(dst.map((r) => [r.dstNamespace, r.dstWorkload, r.dstKind, r.flows])).toEqual([
      ['payments', 'api', 'pod', 2],
      [null, 'world', 'external', 1],
    ]);
    const full = await ctx.store().queryRollups({ resolution: '1m', port: 9090 });
    expect(full).toHaveLength(1);
    expect(full[0]).toMatchObject({
      bucket: T0,
      cluster: 'prod-eu1',
      srcNamespace: 'shop',
      srcWorkload: 'frontend',
      srcKind: 'pod',
      dstNamespace: 'payments',
      dstWorkload: 'api',
      dstKind: 'pod',
      protocol: 'TCP',
      port: 9090,
      direction: 'ingress',
      verdict: 'denied',
      reason: 'policy-denied',
      policy: 'payments/default-deny',
      source: 'hubble',
    });
    const limited = await ctx.store().queryRollups({ resolution: '1m', limit: 2 });
    expect(limited).toHaveLength(2);
    expect(await ctx.store().queryRollups({ resolution: '1m', namespace: ['nowhere'] })).toEqual(
      [],
    );
    const byPolicy = await ctx
      .store()
      .queryRollups({ resolution: '1m', groupBy: [], policy: 'payments/allow-frontend' });
    expect(byPolicy.map((r) => r.flows)).toEqual([3]);
  });

  it('counts a bucket when it overlaps [from, to)', async () => {
    await ctx
      .store()
      .writeBatch(batchOf('w', [makeFlow({ time: T0 + 30_000 }), makeFlow({ time: T0 + MIN })]));
    const sum = async (from: number, to: number): Promise<number | null | undefined> =>
      (await ctx.store().queryRollups({ resolution: '1m', groupBy: [], from, to }))[0]?.flows;
    expect(await sum(T0 + 45_000, T0 + MIN)).toBe(1);
    expect(await sum(T0 + MIN, T0 + MIN + 1)).toBe(1);
    expect(await sum(T0 - MIN, T0)).toBeUndefined();
    expect(await sum(T0, T0 + 2 * MIN)).toBe(2);
  });

  it('refuses filters the rollup tiers cannot apply', async () => {
    await expect(ctx.store().queryRollups({ resolution: '1m', pod: 'x' })).rejects.toThrow(
      InvalidQueryError,
    );
    await expect(ctx.store().queryRollups({ resolution: '1h', ip: '10.0.0.0/8' })).rejects.toThrow(
      InvalidQueryError,
    );
  });

  it('builds time series: aligned steps, 0 without traffic, null for unreported metrics', async () => {
    await ctx
      .store()
      .writeBatch(
        batchOf('t', [
          makeFlow({ time: T0 + 10_000 }),
          makeFlow({ time: T0 + 11 * MIN, src: { namespace: 'batch' } }),
          makeAllowedFlow({ time: T0 + 12 * MIN }),
        ]),
      );
    const q = { resolution: '1m' as const, from: T0 + 1000, to: T0 + 15 * MIN, stepMs: 5 * MIN };
    const flows = await ctx
      .store()
      .queryTimeSeries({ ...q, groupBy: ['verdict'], metric: 'flows' });
    expect(flows.steps).toEqual([T0, T0 + 5 * MIN, T0 + 10 * MIN]);
    expect(flows.series).toEqual([
      { group: { verdict: 'allowed' }, values: [0, 0, 3], total: 3 },
      { group: { verdict: 'denied' }, values: [1, 0, 1], total: 2 },
    ]);
    const bytes = await ctx
      .store()
      .queryTimeSeries({ ...q, groupBy: [], metric: 'bytes', filter: { source: ['hubble'] } });
    expect(bytes.series).toEqual([{ group: {}, values: [null, 0, null], total: null }]);
    const top = await ctx
      .store()
      .queryTimeSeries({ ...q, groupBy: ['srcNamespace'], metric: 'flows', limit: 1 });
    expect(top.series.map((s) => s.group)).toEqual([{ srcNamespace: 'shop' }]);
    await expect(
      ctx.store().queryTimeSeries({ ...q, stepMs: 90_000, groupBy: [], metric: 'flows' }),
    ).rejects.toThrow(InvalidQueryError);
    expect(flows.sources).toEqual(['goldmane', 'hubble']);
    expect(bytes.sources).toEqual(['hubble']);
  });

  it('chooses the unit of a time series from the sources found in its window', async () => {
    // Hubble counts flows only; Goldmane counts flows, packets and bytes.
    await ctx
      .store()
      .writeBatch(
        batchOf('u', [
          makeFlow({ time: T0 + 10_000 }),
          makeFlow({ time: T0 + 11 * MIN }),
          makeAllowedFlow({ time: T0 + 12 * MIN }),
        ]),
      );
    const q = { resolution: '1m' as const, from: T0, to: T0 + 15 * MIN, stepMs: 5 * MIN };
    const read = (filter: { verdict?: ['denied'] | ['allowed'] }, metric: 'auto' | 'packets') =>
      ctx.store().queryTimeSeries({ ...q, groupBy: [], filter, metric });
    // Both sources: only flows are counted by both.
    expect(await read({}, 'auto')).toMatchObject({
      metric: 'flows',
      sources: ['goldmane', 'hubble'],
      series: [{ group: {}, values: [1, 0, 4], total: 5 }],
    });
    // Goldmane alone: packets.
    expect(await read({ verdict: ['allowed'] }, 'auto')).toMatchObject({
      metric: 'packets',
      sources: ['goldmane'],
      series: [{ values: [0, 0, 42], total: 42 }],
    });
    expect(await read({ verdict: ['denied'] }, 'auto')).toMatchObject({
      metric: 'flows',
      sources: ['hubble'],
    });
    // Packets of both in one step: Hubble's unreported packets do not blank Goldmane's.
    expect((await read({}, 'packets')).series).toEqual([
      { group: {}, values: [null, 0, 42], total: 42 },
    ]);
    // Nothing in the window: no sources, and auto falls back to packets.
    const empty = await ctx.store().queryTimeSeries({
      ...q,
      from: T0 + 1440 * MIN,
      to: T0 + 1440 * MIN + 5 * MIN,
      groupBy: [],
      metric: 'auto',
    });
    expect(empty).toMatchObject({ metric: 'packets', sources: [], series: [] });
  });

  it('answers a read by verdict exactly as the same rows of a read of every verdict', async () => {
    // Denied reads seek to the denied keys of each bucket (SQLite: negative key ids); their
    // answers must be the denied part of a read that filters nothing, on every tier and path.
    const DAY = 86_400_000;
    const HOUR = 3_600_000;
    const day0 = T0 - (T0 % DAY);
    const now = day0 + 3 * DAY + 5 * HOUR;
    const flows = [
      ...makeFlows(1200, { seed: 11, start: day0, spanMs: now - day0, deniedShare: 0.3 }),
      makeFlow({ time: day0 + 2 * HOUR, verdict: 'audit', port: 7 }),
    ];
    for (let i = 0; i < flows.length; i += 200) {
      await ctx.store().writeBatch(batchOf(`verdicts${i}`, flows.slice(i, i + 200)));
    }
    const keep = { rawMs: 100 * DAY, rollup1mMs: 100 * DAY, rollup1hMs: 100 * DAY };
    await ctx.store().applyRetention(now, keep); // sums the whole days into the daily tier
    const G: Exclude<RollupKeyField, 'bucket'>[] = ['srcNamespace', 'direction', 'port'];
    const strip = (rows: RollupRow[]): string[] =>
      rows.map(({ verdict: _v, ...r }) => JSON.stringify(r)).sort();
    const reads = [
      { resolution: '1m' as const, from: now - 5 * HOUR + 17, to: now },
      { resolution: '1m' as const, from: now - 50 * MIN, to: now, binStepMs: 5 * MIN },
      { resolution: '1h' as const, from: day0 + 5 * HOUR, to: now, binStepMs: 7 * HOUR },
      { resolution: '1h' as const, from: day0, to: now }, // whole days from the daily tier
      { resolution: '1h' as const, from: day0, to: day0 + 3 * DAY, binStepMs: DAY },
      { resolution: '1h' as const, to: now - DAY }, // open at the start
    ];
    for (const read of reads) {
      for (const extra of [{}, { direction: ['egress' as const] }, { namespace: ['shop'] }]) {
        const all = await ctx
          .store()
          .queryRollups({ ...read, ...extra, groupBy: [...G, 'verdict'], limit: 10_000 });
        for (const verdicts of [['denied'], ['allowed'], ['allowed', 'audit']] as const) {
          const got = await ctx.store().queryRollups({
            ...read,
            ...extra,
            verdict: [...verdicts],
            groupBy: [...G, 'verdict'],
            limit: 10_000,
          });
          const want = all.filter((r) => (verdicts as readonly string[]).includes(r.verdict ?? ''));
          expect(strip(got), JSON.stringify({ read, extra, verdicts })).toEqual(strip(want));
        }
        // Every read without an extra filter has denied, allowed and (where the window holds
        // it) audited rows, so no comparison above was of two empty answers.
        if (Object.keys(extra).length === 0) {
          expect(all.some((r) => r.verdict === 'denied')).toBe(true);
          expect(all.some((r) => r.verdict === 'allowed')).toBe(true);
        }
      }
    }
    // Time series of denied traffic: the denied series of a chart of every verdict.
    const series = async (filter: { verdict?: ['denied'] }) =>
      ctx.store().queryTimeSeries({
        resolution: '1m',
        from: now - 2 * HOUR,
        to: now,
        stepMs: 10 * MIN,
        groupBy: ['srcNamespace', 'verdict'],
        filter: { ...filter, direction: ['egress'] },
        metric: 'flows',
      });
    const denied = await series({ verdict: ['denied'] });
    const every = await series({});
    expect(denied.series.length).toBeGreaterThan(0);
    expect(denied.series).toEqual(every.series.filter((x) => x.group.verdict === 'denied'));
  });
}
