import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import type { Flow } from '../../domain/flow.js';
import { DAY_MS, HOUR_MS } from '../../domain/time.js';
import { batchOf } from '../contract/context.js';
import { makeFlow, makeFlows, T0 } from '../contract/flow-fixtures.js';
import type { RollupQuery, RollupRow } from '../flow-store.js';
import { hourlySource } from './daily-tier.js';
import { openSqliteStore, type SqliteFlowStore } from './sqlite-store.js';

const DAY0 = T0 - (T0 % DAY_MS); // 2025-01-15 00:00 UTC
const KEEP = { rawMs: 1000 * DAY_MS, rollup1mMs: 1000 * DAY_MS, rollup1hMs: 1000 * DAY_MS };

const dirs: string[] = [];
const stores: SqliteFlowStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function open(): { store: SqliteFlowStore; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-daily-'));
  dirs.push(dir);
  const path = join(dir, 'netsec.db');
  const store = openSqliteStore({ path });
  stores.push(store);
  return { store, path };
}

function count(path: string, sql: string): number {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

/** Rows in a stable order, so two answers compare whatever order ties came in. */
const sorted = (rows: RollupRow[]): RollupRow[] =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('hourlySource', () => {
  it('reads whole summed days from the daily tier and the ragged ends from the hourly tier', () => {
    const from = DAY0 + 5 * HOUR_MS + 1234;
    const to = DAY0 + 9 * DAY_MS + 2 * HOUR_MS;
    const src = hourlySource(from, to, DAY0 + 30 * DAY_MS);
    // Hours 05:00 of day 0 to the end of it; days 1–8; day 9's first two hours.
    expect(src?.params).toEqual([
      DAY0 + 5 * HOUR_MS,
      DAY0 + DAY_MS,
      DAY0 + DAY_MS,
      DAY0 + 9 * DAY_MS,
      DAY0 + 9 * DAY_MS,
      to,
    ]);
  });

  it('counts a day when its last hour overlaps the window, and only summed days', () => {
    // The window ends 1 ms into the last hour of day 3: day 3 is whole.
    const to = DAY0 + 3 * DAY_MS + 23 * HOUR_MS + 1;
    expect(hourlySource(DAY0, to, DAY0 + 30 * DAY_MS)?.params.slice(2, 4)).toEqual([
      DAY0,
      DAY0 + 4 * DAY_MS,
    ]);
    // It ends exactly when day 3's last hour starts: day 3 is not whole.
    expect(hourlySource(DAY0, to - 1, DAY0 + 30 * DAY_MS)?.params.slice(2, 4)).toEqual([
      DAY0,
      DAY0 + 3 * DAY_MS,
    ]);
    // Only days before `through` are summed.
    expect(hourlySource(DAY0, to, DAY0 + 2 * DAY_MS)?.params.slice(2, 4)).toEqual([
      DAY0,
      DAY0 + 2 * DAY_MS,
    ]);
    expect(hourlySource(DAY0, to, DAY0)).toBeNull();
    // Less than one whole day inside, or a step that splits days: the hourly tier alone.
    expect(hourlySource(DAY0 + HOUR_MS, DAY0 + DAY_MS + HOUR_MS, DAY0 + 9 * DAY_MS)).toBeNull();
    expect(hourlySource(DAY0, to, DAY0 + 30 * DAY_MS, 7 * HOUR_MS)).toBeNull();
    expect(hourlySource(DAY0, to, DAY0 + 30 * DAY_MS, 2 * DAY_MS)).not.toBeNull();
  });
});

describe('the daily rollup tier', () => {
  const queries = (now: number): RollupQuery[] => {
    const q: RollupQuery[] = [];
    for (const [from, to] of [
      [DAY0 + 7 * HOUR_MS + 5, now],
      [DAY0, DAY0 + 5 * DAY_MS],
      [DAY0 + 2 * DAY_MS - 1, DAY0 + 9 * DAY_MS + 30 * 60_000],
      [DAY0 + 3 * DAY_MS + 12 * HOUR_MS, DAY0 + 4 * DAY_MS + 12 * HOUR_MS],
    ] as const) {
      q.push({ resolution: '1h', from, to, limit: 100_000 });
      q.push({ resolution: '1h', from, to, groupBy: ['srcNamespace', 'verdict'] });
      q.push({ resolution: '1h', from, to, verdict: ['denied'], groupBy: ['dstWorkload'] });
      q.push({ resolution: '1h', from, to, groupBy: ['verdict', 'source'], binStepMs: DAY_MS });
      q.push({ resolution: '1h', from, to, groupBy: ['port'], binStepMs: 2 * DAY_MS });
      q.push({ resolution: '1h', from, to, groupBy: ['port'], binStepMs: 6 * HOUR_MS });
    }
    return q;
  };

  it('answers exactly as the hourly tier alone, before and after late data', async () => {
    const now = DAY0 + 10 * DAY_MS + 3 * HOUR_MS;
    const a = open();
    const b = open();
    const flows = makeFlows(3000, { seed: 11, start: DAY0, spanMs: now - DAY0, deniedShare: 0.3 });
    for (let i = 0; i < flows.length; i += 500) {
      const batch = batchOf(`f${i}`, flows.slice(i, i + 500));
      await a.store.writeBatch(batch);
      await b.store.writeBatch(batch);
    }
    const before = await Promise.all(queries(now).map((q) => b.store.queryRollups(q)));

    const res = await a.store.applyRetention(now, KEEP);
    expect(res.daysCompacted).toBe(10);
    expect(count(a.path, 'SELECT count(DISTINCT bucket) FROM rollup_1d')).toBe(10);
    // One row per key and day of the hourly tier before today.
    expect(count(a.path, 'SELECT count(*) FROM rollup_1d')).toBe(
      count(
        a.path,
        `SELECT count(*) FROM (SELECT DISTINCT bucket - bucket % ${DAY_MS}, key_id
           FROM rollup_1h WHERE bucket < ${DAY0 + 10 * DAY_MS})`,
      ),
    );
    // Nothing left to sum until another day ends.
    expect((await a.store.applyRetention(now + HOUR_MS, KEEP)).daysCompacted).toBe(0);
    const after = await Promise.all(queries(now).map((q) => a.store.queryRollups(q)));
    after.forEach((rows, i) => expect(sorted(rows)).toEqual(sorted(before[i] ?? [])));

    // Late flows for summed days (one of them a key never seen before) and for today.
    const late: Flow[] = [
      makeFlow({ time: DAY0 + 2 * DAY_MS + 5 * HOUR_MS, port: 1 }),
      makeFlow({ time: DAY0 + 4 * DAY_MS + 23 * HOUR_MS + 59_000, packets: 9 }),
      makeFlow({ time: now - 1000 }),
    ];
    for (const s of [a.store, b.store]) await s.writeBatch(batchOf('late', late));
    const want = await Promise.all(queries(now).map((q) => b.store.queryRollups(q)));
    const got = await Promise.all(queries(now).map((q) => a.store.queryRollups(q)));
    got.forEach((rows, i) => expect(sorted(rows)).toEqual(sorted(want[i] ?? [])));
    const port1 = await a.store.queryRollups({
      resolution: '1h',
      from: DAY0,
      to: now,
      port: 1,
      groupBy: ['port'],
    });
    expect(port1).toMatchObject([{ port: 1, flows: 1 }]);
  });

  it('keeps a day while any of its hours is kept, and the keys only it still uses', async () => {
    const { store, path } = open();
    // Day 0: one key at 01:00 only, another at 20:00.
    await store.writeBatch(
      batchOf('d0', [
        makeFlow({ time: DAY0 + HOUR_MS, port: 1111 }),
        makeFlow({ time: DAY0 + 20 * HOUR_MS, port: 2222 }),
      ]),
    );
    expect((await store.applyRetention(DAY0 + 2 * DAY_MS, KEEP)).daysCompacted).toBe(1);
    // The hourly cutoff falls at 10:00 of day 0: the 01:00 hour goes, the day stays.
    const policy = { ...KEEP, rollup1hMs: 2 * DAY_MS - 10 * HOUR_MS - HOUR_MS };
    const cut = await store.applyRetention(DAY0 + 2 * DAY_MS, policy);
    expect(cut).toMatchObject({ rollup1hDeleted: 1, rollup1dDeleted: 0 });
    const day = await store.queryRollups({
      resolution: '1h',
      from: DAY0,
      to: DAY0 + DAY_MS,
      groupBy: ['port'],
    });
    // The day's summary still holds the key whose hour is gone (its key row was kept).
    expect(day.map((r) => r.port).sort()).toEqual([1111, 2222]);
    // Once the day's last hour is gone, the day goes too.
    const all = { ...KEEP, rollup1hMs: HOUR_MS };
    expect(await store.applyRetention(DAY0 + 2 * DAY_MS, all)).toMatchObject({
      rollup1dDeleted: 2,
    });
    expect(count(path, 'SELECT count(*) FROM rollup_1d')).toBe(0);
  });
});
