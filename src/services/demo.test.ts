import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createParser } from '../formats/registry.js';
import { NAMESPACES } from '../sources/simulator/cluster-spec.js';
import { scheduleScenarios } from '../sources/simulator/schedule.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { DemoSeedMismatch, missingRanges, prepareDemo } from './demo.js';
import { backfillHistory } from './demo-backfill.js';
import { readDemoState } from './demo-state.js';
import { IngestService } from './ingest.js';

const dir = mkdtempSync(join(tmpdir(), 'netsec-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const NOW = Date.UTC(2026, 10, 20, 18, 2);
const HOUR = 3_600_000;

describe('missingRanges', () => {
  const state = {
    version: 1 as const,
    seed: 1,
    filledFrom: 100,
    filledUntil: 200,
    liveScenarios: 0,
  };
  it('fills everything without a state, only the gaps with one', () => {
    expect(missingRanges(null, 0, 300)).toEqual([{ from: 0, to: 300 }]);
    expect(missingRanges(state, 100, 300)).toEqual([{ from: 200, to: 300 }]);
    expect(missingRanges(state, 50, 300)).toEqual([
      { from: 50, to: 100 },
      { from: 200, to: 300 },
    ]);
    expect(missingRanges(state, 100, 150)).toEqual([]);
  });
});

describe('prepareDemo', () => {
  const store = openSqliteStore({ path: join(dir, 'netsec.db') });
  const ingest = new IngestService({ store, createParser });
  afterAll(() => store.close());

  it('backfills history with allowed and denied flows in every namespace, and writes manifests, labels and state', async () => {
    await store.migrate();
    const demo = await prepareDemo({ seed: 9, days: 0.5, dataDir: dir, now: NOW, ingest });
    expect(demo.backfill?.counts.rejected).toBe(0);
    expect(demo.backfill?.counts.stored).toBeGreaterThan(10_000);
    const rows = await store.queryRollups({
      resolution: '1h',
      from: NOW - 13 * HOUR,
      to: NOW,
      groupBy: ['srcNamespace', 'dstNamespace', 'verdict'],
      limit: 100_000,
    });
    for (const ns of NAMESPACES) {
      const mine = rows.filter((r) => r.srcNamespace === ns.name || r.dstNamespace === ns.name);
      expect(
        mine.some((r) => r.verdict === 'denied'),
        `${ns.name} denied`,
      ).toBe(true);
      expect(
        mine.some((r) => r.verdict === 'allowed'),
        `${ns.name} allowed`,
      ).toBe(true);
    }
    // Allowed traffic in every minute of the last hour (15-second records, as the live stream
    // sends), and in one minute of five before it (5-minute records).
    const to = demo.state.filledUntil;
    const minutes = async (from: number): Promise<number> =>
      (
        await store.queryRollups({
          resolution: '1m',
          from,
          to: from + HOUR,
          verdict: ['allowed'],
          source: ['goldmane'],
          groupBy: ['bucket'],
          limit: 1000,
        })
      ).length;
    expect(await minutes(to - HOUR)).toBe(60);
    expect(await minutes(to - 3 * HOUR)).toBe(12);
    const labels = JSON.parse(readFileSync(demo.labelsPath, 'utf8')) as {
      type: string;
      startMs: number;
    }[];
    expect(labels.length).toBe(8);
    expect(readFileSync(join(demo.manifestsDir, '30-network-policies.yaml'), 'utf8')).toContain(
      'kind: NetworkPolicy',
    );
    expect(await readDemoState(dir)).toMatchObject({ seed: 9, filledUntil: NOW - 2 * 60_000 });
  }, 120_000);

  it('fills only the gap on a second run and never duplicates history', async () => {
    const before = await store.stats();
    const again = await prepareDemo({ seed: 9, days: 0.5, dataDir: dir, now: NOW, ingest });
    expect(again.backfill).toBeNull();
    expect(await store.stats()).toMatchObject({
      rawEvents: before.rawEvents,
      rollup1m: before.rollup1m,
    });
    const later = await prepareDemo({
      seed: 9,
      days: 0.5,
      dataDir: dir,
      now: NOW + 20 * 60_000,
      ingest,
    });
    expect(later.filled).toEqual([{ from: NOW - 2 * 60_000, to: NOW + 18 * 60_000 }]);
    expect(later.backfill?.counts.duplicateBatches).toBe(0);
    // Re-sending a block that was already committed stores nothing (idempotency keys).
    const to = NOW - 2 * 60_000;
    const resent = await backfillHistory(again.sim, ingest, {
      from: to - 11 * HOUR,
      to: to - 10 * HOUR,
      scenarios: scheduleScenarios(9, to - 12 * HOUR, to),
    });
    expect(resent.counts.stored).toBe(0);
    expect(resent.counts.duplicateBatches).toBeGreaterThan(0);
    const rows = await store.queryRollups({
      resolution: '1h',
      from: NOW - 13 * HOUR,
      to: NOW - 2 * 60_000,
      limit: 1,
    });
    expect(rows.length).toBe(1);
    expect((await store.stats()).batches).toBeGreaterThan(before.batches);
  }, 120_000);

  it('refuses a data directory filled with another seed', async () => {
    await expect(
      prepareDemo({ seed: 10, days: 0.5, dataDir: dir, now: NOW, ingest }),
    ).rejects.toBeInstanceOf(DemoSeedMismatch);
  });
});
