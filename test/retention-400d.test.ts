/**
 * Retention and rollups over a simulated 400+ days with an injected clock (issue #10): flows are
 * written day by day into a SQLite store, the retention job runs after each day with `now` set to
 * that simulated moment, and a model of what was written says exactly which raw events, batch
 * ids and rollup rows each tier must still hold. At the end, the 1-hour tier's monthly sums over
 * the last year equal the sums of the flows written (flows, packets, bytes; null where no flow of
 * the group reported the counter).
 */
import { describe, expect, it } from 'vitest';

import type { Flow, SourceFormat, Verdict } from '../src/domain/flow.js';
import {
  DEFAULT_RETENTION,
  type FlowStore,
  type RetentionPolicy,
  type RollupRow,
} from '../src/store/flow-store.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import {
  allowPolicy,
  denyPolicy,
  makeFlow,
  podEndpoint,
  seededRandom,
} from '../src/testing/flow-factory.js';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 1);
const DAYS = 430;

interface Written {
  flow: Flow;
  /** The aggregation key as far as this generator varies it. */
  key: string;
  receivedAt: number;
}

const NS = ['shop', 'payments', 'batch'];
const WL = ['web', 'api', 'db'];
const SOURCES: SourceFormat[] = ['hubble', 'goldmane', 'accountant'];

/** Counters as each source reports them: Hubble flows only, accountant packets only. */
function counters(
  source: SourceFormat,
  rnd: () => number,
): Pick<Flow, 'flows' | 'packets' | 'bytes'> {
  const n = 1 + Math.floor(rnd() * 5);
  if (source === 'hubble') return { flows: n, packets: null, bytes: null };
  if (source === 'accountant') return { flows: null, packets: n * 7, bytes: null };
  return { flows: n, packets: n * 9, bytes: n * 1_500 };
}

/** About 14 flows a day at random minutes; some share their key and minute with the previous one. */
function dayOfFlows(day: number, rnd: () => number): Written[] {
  const out: Written[] = [];
  const dayStart = START + day * DAY;
  for (let i = 0; i < 12; i++) {
    const time = dayStart + Math.floor(rnd() * DAY);
    const source = SOURCES[Math.floor(rnd() * SOURCES.length)] as SourceFormat;
    const verdict: Verdict = rnd() < 0.3 ? 'denied' : 'allowed';
    const s = NS[Math.floor(rnd() * NS.length)] as string;
    const d = NS[Math.floor(rnd() * NS.length)] as string;
    const w = WL[Math.floor(rnd() * WL.length)] as string;
    const base = {
      cluster: 'prod',
      src: podEndpoint(s, 'client', '10.0.0.1'),
      dst: podEndpoint(d, w, '10.0.0.2'),
      source,
      verdict,
      reason: verdict === 'denied' ? ('policy-denied' as const) : ('allowed-by-policy' as const),
      dropReason: verdict === 'denied' ? 'POLICY_DENIED' : null,
      policies: [verdict === 'denied' ? denyPolicy(d, 'deny-all') : allowPolicy(d, `allow-${w}`)],
    };
    const key = JSON.stringify([s, d, w, source, verdict]);
    out.push({ flow: makeFlow({ ...base, time, ...counters(source, rnd) }), key, receivedAt: 0 });
    // Same key, same minute: the rollup row must hold the sum of both.
    if (rnd() < 0.2) {
      const again = time - (time % MIN) + Math.floor(rnd() * MIN);
      out.push({
        flow: makeFlow({ ...base, time: again, ...counters(source, rnd) }),
        key,
        receivedAt: 0,
      });
    }
  }
  return out;
}

const addN = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : a + b;

interface Sums {
  flows: number | null;
  packets: number | null;
  bytes: number | null;
}

function sumBy<T>(items: T[], keyOf: (x: T) => string, val: (x: T) => Sums): Map<string, Sums> {
  const m = new Map<string, Sums>();
  for (const x of items) {
    const k = keyOf(x);
    const v = val(x);
    const cur = m.get(k) ?? { flows: null, packets: null, bytes: null };
    m.set(k, {
      flows: addN(cur.flows, v.flows),
      packets: addN(cur.packets, v.packets),
      bytes: addN(cur.bytes, v.bytes),
    });
  }
  return m;
}

const monthOf = (t: number): string => new Date(t).toISOString().slice(0, 7);

/** What each tier must hold at `now`, from the model of everything written so far. */
function expected(written: Written[], now: number, p: RetentionPolicy) {
  const rawCut = now - p.rawMs;
  const cells = (bucketMs: number, tierMs: number): Set<string> => {
    const out = new Set<string>();
    for (const w of written) {
      const b = w.flow.time - (w.flow.time % bucketMs);
      // A bucket goes once it ends at or before now - tierMs.
      if (b + bucketMs > now - tierMs) out.add(`${b}|${w.key}`);
    }
    return out;
  };
  return {
    raw: written.filter((w) => w.flow.time >= rawCut).length,
    batches: new Set(written.filter((w) => w.receivedAt >= rawCut).map((w) => w.receivedAt)).size,
    cells1m: cells(MIN, p.rollup1mMs),
    cells1h: cells(HOUR, p.rollup1hMs),
  };
}

async function bucketsHeld(store: FlowStore, resolution: '1m' | '1h'): Promise<RollupRow[]> {
  return store.queryRollups({
    resolution,
    from: 0,
    to: START + 2 * DAYS * DAY,
    groupBy: ['bucket'],
    limit: 100_000,
  });
}

async function simulate(policy: RetentionPolicy): Promise<void> {
  const store = openSqliteStore({
    path: ':memory:',
    allowedSampleRate: 1,
    retentionChunk: 97,
    now: () => START,
  });
  const rnd = seededRandom(400);
  const written: Written[] = [];
  let now = START;
  try {
    for (let day = 0; day < DAYS; day++) {
      const flows = dayOfFlows(day, rnd);
      const receivedAt = START + (day + 1) * DAY - 1;
      for (const w of flows) w.receivedAt = receivedAt;
      await store.writeBatch({
        id: `day-${day}`,
        flows: flows.map((w) => w.flow),
        source: 'native',
        receivedAt,
      });
      written.push(...flows);
      // The job runs once a day at a varying time; every third run lands exactly on the raw
      // cutoff of a flow written `rawMs` earlier (kept: the window is inclusive at its start).
      const target = written.find(
        (w) =>
          w.flow.time + policy.rawMs > receivedAt &&
          w.flow.time + policy.rawMs < receivedAt + 20 * HOUR,
      );
      now =
        day % 3 === 0 && target
          ? target.flow.time + policy.rawMs
          : receivedAt + 1 + Math.floor(rnd() * 20 * HOUR);
      await store.applyRetention(now, policy);
      const want = expected(written, now, policy);
      const stats = await store.stats();
      expect(stats.rawEvents, `raw events on day ${day}`).toBe(want.raw);
      expect(stats.batches, `batch ids on day ${day}`).toBe(want.batches);
      expect(stats.rollup1m, `1m rows on day ${day}`).toBe(want.cells1m.size);
      expect(stats.rollup1h, `1h rows on day ${day}`).toBe(want.cells1h.size);
      if (day % 37 === 0 || day === DAYS - 1) {
        const held = (rows: RollupRow[]): number[] =>
          rows.map((r) => r.bucket ?? -1).sort((a, b) => a - b);
        const buckets = (cells: Set<string>): number[] =>
          [...new Set([...cells].map((c) => Number(c.split('|')[0])))].sort((a, b) => a - b);
        expect(held(await bucketsHeld(store, '1m'))).toEqual(buckets(want.cells1m));
        expect(held(await bucketsHeld(store, '1h'))).toEqual(buckets(want.cells1h));
        const oldestRaw = (await store.queryFlows({ to: now - policy.rawMs }, { limit: 1 })).flows;
        expect(oldestRaw).toEqual([]);
      }
    }

    // Over the last year (whole months inside the 1-hour tier), the monthly sums per source
    // and verdict equal those of the flows written; a counter no flow reported stays null.
    const yearTo = Date.UTC(2026, 2, 1);
    const yearFrom = Date.UTC(2025, 2, 1);
    expect(yearFrom).toBeGreaterThan(now - policy.rollup1hMs);
    const rows = await store.queryRollups({
      resolution: '1h',
      from: yearFrom,
      to: yearTo,
      groupBy: ['bucket', 'source', 'verdict'],
      limit: 100_000,
    });
    const k = (t: number, s: string, v: string): string => `${monthOf(t)}|${s}|${v}`;
    const got = sumBy(
      rows,
      (r) => k(r.bucket ?? 0, r.source ?? '', r.verdict ?? ''),
      (r) => r,
    );
    const inYear = written.filter((w) => w.flow.time >= yearFrom && w.flow.time < yearTo);
    const want = sumBy(
      inYear,
      (w) => k(w.flow.time, w.flow.source, w.flow.verdict),
      (w) => w.flow,
    );
    expect(got.size).toBe(12 * 3 * 2);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(want));
    expect(want.get(`2025-06|hubble|allowed`)?.packets).toBeNull();
    expect(want.get(`2025-06|accountant|denied`)?.flows).toBeNull();

    // The finer tiers agree with the raw data over what they still hold.
    const from1m = now - policy.rollup1mMs + HOUR - (now % HOUR);
    const fine = await store.queryRollups({
      resolution: '1m',
      from: from1m,
      to: now,
      groupBy: ['source'],
      limit: 10,
    });
    const fineWant = sumBy(
      written.filter((w) => w.flow.time >= from1m),
      (w) => w.flow.source,
      (w) => w.flow,
    );
    expect(
      Object.fromEntries(
        sumBy(
          fine,
          (r) => r.source ?? '',
          (r) => r,
        ),
      ),
    ).toEqual(Object.fromEntries(fineWant));
  } finally {
    await store.close();
  }
}

describe('retention over a simulated 400+ days', () => {
  it('default tiers (raw 7 d, 1 m 35 d, 1 h 400 d) hold exactly and the year sums equal the raw sums', async () => {
    await simulate(DEFAULT_RETENTION);
  }, 120_000);

  it('a custom configuration (raw 2 d, 1 m 10 d, 1 h 400 d + 20 d) holds exactly too', async () => {
    await simulate({ rawMs: 2 * DAY, rollup1mMs: 10 * DAY, rollup1hMs: 420 * DAY });
  }, 120_000);

  it('cuts each tier to the millisecond', async () => {
    const store = openSqliteStore({ path: ':memory:', allowedSampleRate: 1 });
    const p: RetentionPolicy = { rawMs: 5 * HOUR, rollup1mMs: 2 * DAY, rollup1hMs: 9 * DAY };
    const t = START + 10 * DAY + 7 * HOUR + 30 * MIN + 15_000;
    try {
      await store.writeBatch({
        id: 'one',
        flows: [makeFlow({ time: t })],
        source: 'hubble',
        receivedAt: t,
      });
      const b1m = t - (t % MIN);
      const b1h = t - (t % HOUR);
      await store.applyRetention(t + p.rawMs, p);
      expect((await store.stats()).rawEvents).toBe(1);
      await store.applyRetention(t + p.rawMs + 1, p);
      expect((await store.stats()).rawEvents).toBe(0);
      await store.applyRetention(b1m + MIN + p.rollup1mMs - 1, p);
      expect((await store.stats()).rollup1m).toBe(1);
      await store.applyRetention(b1m + MIN + p.rollup1mMs, p);
      expect((await store.stats()).rollup1m).toBe(0);
      await store.applyRetention(b1h + HOUR + p.rollup1hMs - 1, p);
      expect((await store.stats()).rollup1h).toBe(1);
      await store.applyRetention(b1h + HOUR + p.rollup1hMs, p);
      expect((await store.stats()).rollup1h).toBe(0);
    } finally {
      await store.close();
    }
  });
});
