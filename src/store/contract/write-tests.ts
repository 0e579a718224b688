/** Contract: batch writes, idempotency, null-honest counters, sampling, source health. */
import { expect, it } from 'vitest';

import type { Flow } from '../../domain/flow.js';
import { rawEventWeight } from '../sampling.js';
import { allFlows, asFlow, batchOf, type ContractContext } from './context.js';
import {
  externalEndpoint,
  hostileFlows,
  makeAllowedFlow,
  makeFlow,
  makeFlows,
  podEndpoint,
  T0,
} from './flow-fixtures.js';

const totalFlows = async (ctx: ContractContext): Promise<number | null> => {
  const [row] = await ctx.store().queryRollups({ resolution: '1m', groupBy: [] });
  return row?.flows ?? null;
};

export function registerWriteTests(ctx: ContractContext): void {
  it('reads back every field of a written flow', async () => {
    const denied = makeFlow({
      src: { labels: { app: 'x', 'k8s:io.cilium/app': 'y' }, aggregated: true },
      dst: externalEndpoint('2001:db8::7', 'partner-net', { dnsNames: ['a.example', 'b.example'] }),
      direction: 'egress',
      policies: [
        {
          kind: 'GlobalNetworkPolicy',
          namespace: null,
          name: 'deny-egress',
          rule: '2',
          action: 'deny',
          staged: false,
          tier: 'security',
        },
      ],
      packets: 3,
      bytes: 180,
      bytesToDst: 180,
      bytesToSrc: 0,
      durationMs: 15_000,
    });
    const res = await ctx.store().writeBatch(batchOf('rt', [denied]));
    expect(res).toEqual({ batchId: 'rt', duplicate: false, flows: 1, rawEvents: 1 });
    const [got] = await allFlows(ctx.store());
    expect(got && asFlow(got)).toEqual(denied);
    expect(got?.sampleWeight).toBe(1);
    expect(typeof got?.id).toBe('string');
  });

  it('reads back text that quotes, escapes or looks like NULL exactly as written', async () => {
    const hostile = hostileFlows();
    await ctx.store().writeBatch(batchOf('hostile', hostile));
    const got = (await allFlows(ctx.store())).map(asFlow);
    const byPod = (f: Flow) => f.src.pod ?? '';
    expect(got.sort((a, b) => byPod(a).localeCompare(byPod(b)))).toEqual(
      [...hostile].sort((a, b) => byPod(a).localeCompare(byPod(b))),
    );
  });

  it('counts a batch sent twice once and writes nothing the second time', async () => {
    const flows = makeFlows(50, { deniedShare: 1 });
    const first = await ctx.store().writeBatch(batchOf('dup', flows));
    const again = await ctx.store().writeBatch(batchOf('dup', makeFlows(7, { seed: 9 })));
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ batchId: 'dup', duplicate: true, rawEvents: 0 });
    expect((await allFlows(ctx.store())).length).toBe(50);
    expect(await totalFlows(ctx)).toBe(50);
    expect((await ctx.store().stats()).batches).toBe(1);
  });

  it('serialises concurrent writeBatch calls and still deduplicates', async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `c${i}`);
    const calls = [...ids, ...ids].map((id, i) =>
      ctx.store().writeBatch(batchOf(id, makeFlows(20, { seed: i % 10, deniedShare: 1 }))),
    );
    const results = await Promise.all(calls);
    expect(
      results
        .filter((r) => !r.duplicate)
        .map((r) => r.batchId)
        .sort(),
    ).toEqual(ids.sort());
    expect(results.filter((r) => r.duplicate).length).toBe(10);
    expect(await totalFlows(ctx)).toBe(200);
    expect((await allFlows(ctx.store())).length).toBe(200);
  });

  it('keeps counters a source lacks NULL in rollups, never 0', async () => {
    const hubble = Array.from({ length: 5 }, (_, i) => makeFlow({ time: T0 + i * 1000 }));
    const goldmane = Array.from({ length: 3 }, () => makeAllowedFlow());
    const unknown = podEndpoint('x', 'x', '10.0.0.1', {
      kind: 'unknown',
      namespace: null,
      pod: null,
      workload: null,
      ip: null,
      labels: {},
    });
    const accountant = Array.from({ length: 3 }, () =>
      makeFlow({
        source: 'accountant',
        flows: null,
        packets: 7,
        protocol: 'other',
        port: null,
        src: unknown,
        dst: unknown,
        policies: [],
      }),
    );
    await ctx.store().writeBatch(batchOf('h1', hubble));
    await ctx.store().writeBatch(batchOf('g1', goldmane));
    await ctx.store().writeBatch(batchOf('a1', accountant));
    await ctx.store().writeBatch(
      batchOf(
        'h2',
        hubble.map((f) => ({ ...f, time: f.time + 10 })),
      ),
    );
    for (const resolution of ['1m', '1h'] as const) {
      const rows = await ctx.store().queryRollups({ resolution, groupBy: ['source'] });
      const by = Object.fromEntries(rows.map((r) => [r.source, r]));
      expect(by.hubble).toMatchObject({ flows: 10, packets: null, bytes: null });
      expect(by.goldmane).toMatchObject({ flows: 9, packets: 126, bytes: 27_000 });
      expect(by.accountant).toMatchObject({ flows: null, packets: 21, bytes: null });
    }
    const raw = await allFlows(ctx.store(), { source: ['hubble'] });
    expect(raw.every((f) => f.bytes === null && f.packets === null)).toBe(true);
  });

  it('sums only the counters that were reported when a source reports them for some flows', async () => {
    const a = makeFlow({ source: 'native', bytes: 100, packets: null });
    const b = makeFlow({ source: 'native', bytes: null, packets: null });
    await ctx.store().writeBatch(batchOf('n1', [a, b]));
    const [row] = await ctx.store().queryRollups({ resolution: '1m', groupBy: [] });
    expect(row).toMatchObject({ flows: 2, bytes: 100, packets: null });
  });

  it('rollup sums equal raw sums for denied flows, per tier and per namespace', async () => {
    const flows = makeFlows(2_000, { deniedShare: 0.3, spanMs: 3 * 3_600_000, seed: 4 });
    for (let i = 0; i < flows.length; i += 250) {
      await ctx.store().writeBatch(batchOf(`r${i}`, flows.slice(i, i + 250)));
    }
    const raw = await allFlows(ctx.store(), { verdict: ['denied'] });
    expect(raw.length).toBe(flows.filter((f) => f.verdict === 'denied').length);
    const rawByNs = new Map<string | null, number>();
    for (const f of raw)
      rawByNs.set(f.src.namespace, (rawByNs.get(f.src.namespace) ?? 0) + (f.flows ?? 0));
    for (const resolution of ['1m', '1h'] as const) {
      const rows = await ctx
        .store()
        .queryRollups({ resolution, verdict: ['denied'], groupBy: ['srcNamespace'] });
      const rollByNs = new Map(rows.map((r) => [r.srcNamespace ?? null, r.flows]));
      expect(rollByNs).toEqual(rawByNs);
    }
  });

  it('samples allowed flows deterministically and stores the weight; keeps every denied flow', async () => {
    const flows = makeFlows(3_000, { deniedShare: 0.1, seed: 11 });
    await ctx.store().writeBatch(batchOf('s1', flows));
    const kept = flows.filter((f) => rawEventWeight(f, 0.1) > 0);
    const raw = await allFlows(ctx.store());
    expect(raw.length).toBe(kept.length);
    const allowed = raw.filter((f) => f.verdict === 'allowed');
    const allowedIn = flows.filter((f) => f.verdict === 'allowed').length;
    expect(allowed.every((f) => f.sampleWeight === 10)).toBe(true);
    expect(raw.filter((f) => f.verdict !== 'allowed').every((f) => f.sampleWeight === 1)).toBe(
      true,
    );
    // The weighted count estimates the true allowed count.
    const estimate = allowed.reduce((s, f) => s + f.sampleWeight * (f.flows ?? 1), 0);
    expect(Math.abs(estimate - allowedIn) / allowedIn).toBeLessThan(0.25);
    // Rollups count every flow, sampled or not.
    expect(await totalFlows(ctx)).toBe(3_000);
    // Replaying the same flows keeps exactly the same subset.
    await ctx.store().writeBatch(batchOf('s2', flows));
    expect((await allFlows(ctx.store())).length).toBe(2 * kept.length);
  });

  it('tracks per-source health: last data time, flows and lost events', async () => {
    await ctx
      .store()
      .writeBatch(batchOf('l1', [makeFlow({ time: T0 })], { lostEvents: 3, receivedAt: T0 + 5 }));
    await ctx
      .store()
      .writeBatch(
        batchOf('l2', [makeFlow({ time: T0 + 60_000 })], { lostEvents: 4, receivedAt: T0 + 9 }),
      );
    await ctx
      .store()
      .writeBatch(batchOf('l3', [], { source: 'hubble', lostEvents: 1, receivedAt: T0 + 99 }));
    await ctx.store().writeBatch(batchOf('l1', [makeFlow()], { lostEvents: 50 }));
    const health = await ctx.store().sourceHealth();
    expect(health).toEqual([
      {
        source: 'hubble',
        lastDataAt: T0 + 60_000,
        lastBatchAt: T0 + 99,
        flowsTotal: 2,
        lostEventsTotal: 8,
      },
    ]);
  });

  it('stores nothing of a batch whose write fails', async () => {
    const bad = { ...makeFlow(), time: Number.NaN } as Flow;
    await expect(ctx.store().writeBatch(batchOf('bad', [makeFlow(), bad]))).rejects.toThrow();
    expect((await ctx.store().stats()).rawEvents).toBe(0);
    const ok = await ctx.store().writeBatch(batchOf('bad', [makeFlow()]));
    expect(ok.duplicate).toBe(false);
  });
}
