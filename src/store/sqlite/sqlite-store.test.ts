import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

import { describeStoreContract } from '../contract.js';
import { batchOf } from '../contract/context.js';
import { makeFlow, makeFlows, T0 } from '../contract/flow-fixtures.js';
import { runMigrations, schemaVersion } from './migrate.js';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from './schema.js';
import { openSqliteStore, type SqliteFlowStore } from './sqlite-store.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describeStoreContract('sqlite (file in a temp dir)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-contract-'));
  const path = join(dir, 'netsec.db');
  let store: SqliteFlowStore = openSqliteStore({ path });
  return {
    store,
    reopen: async () => (store = openSqliteStore({ path })),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite store specifics', () => {
  it('creates the directory, runs in WAL mode with FULL sync, busy timeout and foreign keys', async () => {
    const path = join(tempDir(), 'nested', 'deeper', 'netsec.db');
    const store = openSqliteStore({ path });
    expect(existsSync(path)).toBe(true);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    await store.close();
    const normal = openSqliteStore({ path, synchronous: 'NORMAL' });
    expect(normal.db.pragma('synchronous', { simple: true })).toBe(1);
    await normal.close();
  });

  it('records migrations and re-running them changes nothing', async () => {
    const path = join(tempDir(), 'm.db');
    const store = openSqliteStore({ path, now: () => T0 });
    await store.writeBatch(batchOf('x', [makeFlow()]));
    await store.migrate();
    await store.migrate();
    const rows = store.db.prepare('SELECT version, name, applied_at FROM schema_migrations').all();
    expect(rows).toEqual(
      SQLITE_MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: T0 })),
    );
    expect((await store.stats()).schemaVersion).toBe(SQLITE_SCHEMA_VERSION);
    expect((await store.stats()).rawEvents).toBe(1);
    await store.close();
  });

  it('applies migrations in version order, each atomically, and refuses a newer database', () => {
    const db = new Database(':memory:');
    const steps = [
      { version: 2, name: 'two', sql: 'ALTER TABLE t ADD COLUMN b TEXT' },
      { version: 1, name: 'one', sql: 'CREATE TABLE t (a INTEGER)' },
    ];
    expect(runMigrations(db, steps, 1)).toBe(2);
    const broken = [
      ...steps,
      { version: 3, name: 'bad', sql: 'CREATE TABLE u (x); SELECT nope FROM missing' },
    ];
    expect(() => runMigrations(db, broken, 2)).toThrow();
    // The failed step left nothing behind: no table u, version still 2.
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'u'").pluck().get()).toBe(0);
    expect(schemaVersion(db)).toBe(2);
    expect(() => runMigrations(db, steps.slice(1), 3)).toThrow(/newer than this build/);
    expect(() => runMigrations(db, [{ version: 2, name: 'gap', sql: '' }], 3)).toThrow(/numbered/);
    db.close();
  });

  it('gives denied keys negative ids and every other key a positive one, across pruning', async () => {
    const path = join(tempDir(), 'k.db');
    const store = openSqliteStore({ path });
    const signs = () =>
      store.db
        .prepare('SELECT verdict, id < 0 AS negative, count(*) AS n FROM rollup_keys GROUP BY 1, 2')
        .all();
    // Allowed keys first, then denied, then one audited: the id sides never mix.
    await store.writeBatch(batchOf('a', makeFlows(200, { seed: 5, deniedShare: 0 })));
    await store.writeBatch(batchOf('d', makeFlows(200, { seed: 6, deniedShare: 1 })));
    await store.writeBatch(batchOf('u', [makeFlow({ verdict: 'audit', port: 1 })]));
    const first = signs();
    expect(first).toEqual([
      { verdict: 'allowed', negative: 0, n: expect.any(Number) },
      { verdict: 'audit', negative: 0, n: 1 },
      { verdict: 'denied', negative: 1, n: expect.any(Number) },
    ]);
    // Retention drops every key; new keys start again on their own side.
    const DAY = 86_400_000;
    await store.applyRetention(T0 + 30 * DAY, { rawMs: DAY, rollup1mMs: DAY, rollup1hMs: DAY });
    expect(signs()).toEqual([]);
    await store.writeBatch(batchOf('d2', [makeFlow({ time: T0 + 30 * DAY, port: 2 })]));
    await store.writeBatch(
      batchOf('a2', [makeFlow({ time: T0 + 30 * DAY, port: 3, verdict: 'allowed' })]),
    );
    expect(store.db.prepare('SELECT verdict, id FROM rollup_keys ORDER BY id').all()).toEqual([
      { verdict: 'denied', id: -1 },
      { verdict: 'allowed', id: 1 },
    ]);
    await store.close();
  });

  it('migration 11 moves the denied keys of a schema-10 store to negative ids, answers unchanged', async () => {
    const path = join(tempDir(), 'v10.db');
    // A schema-10 store, filled the way a build of that schema filled it (positive ids only).
    const old = new Database(path);
    runMigrations(old, SQLITE_MIGRATIONS.slice(0, 10), T0);
    const key = old.prepare(
      `INSERT INTO rollup_keys (id, key_text, cluster, src_kind, dst_kind, protocol, direction,
         verdict, reason, policy, source) VALUES (?, ?, 'c', 'pod', 'pod', 'TCP', 'ingress', ?, 'r', '', 'hubble')`,
    );
    const verdicts = ['allowed', 'denied', 'denied', 'audit', 'allowed', 'denied'];
    verdicts.forEach((v, i) => key.run(i + 1, `k${i + 1}`, v));
    const HOUR = 3_600_000;
    for (const [table, size] of [
      ['rollup_1m', 60_000],
      ['rollup_1h', HOUR],
      ['rollup_1d', 24 * HOUR],
    ] as const) {
      const row = old.prepare(`INSERT INTO ${table} VALUES (?, ?, ?, ?, NULL, ?, ?)`);
      for (let b = 0; b < 3; b++) {
        verdicts.forEach((_, i) => {
          const bucket = T0 - (T0 % size) + b * size;
          row.run(bucket, i + 1, 10 * (i + 1) + b, i === 2 ? null : b + 1, bucket, bucket + 1);
        });
      }
    }
    const totals = (db: Database.Database) =>
      ['rollup_1m', 'rollup_1h', 'rollup_1d'].map((t) =>
        db
          .prepare(
            `SELECT k.verdict, k.key_text, sum(r.flows) AS flows, sum(r.packets) AS packets,
               count(*) AS n FROM ${t} r JOIN rollup_keys k ON k.id = r.key_id
             GROUP BY k.verdict, k.key_text ORDER BY k.key_text`,
          )
          .all(),
      );
    const before = totals(old);
    old.close();

    const store = openSqliteStore({ path });
    expect(schemaVersion(store.db)).toBe(SQLITE_SCHEMA_VERSION);
    expect(totals(store.db)).toEqual(before);
    expect(
      store.db.prepare('SELECT key_text, id FROM rollup_keys ORDER BY key_text').all(),
    ).toEqual([
      { key_text: 'k1', id: 1 },
      { key_text: 'k2', id: -2 },
      { key_text: 'k3', id: -3 },
      { key_text: 'k4', id: 4 },
      { key_text: 'k5', id: 5 },
      { key_text: 'k6', id: -6 },
    ]);
    expect(
      store.db
        .prepare("SELECT value FROM store_meta WHERE name = 'rollup_key_epoch'")
        .pluck()
        .get(),
    ).toBe('1');
    // Denied reads find the moved rows; a new key goes on its own side of the moved ones.
    const [denied] = await store.queryRollups({
      resolution: '1m',
      verdict: ['denied'],
      from: T0 - (T0 % 60_000),
      to: T0 + 3 * 60_000,
      groupBy: [],
    });
    // Keys 2, 3 and 6: 10·id + b flows in buckets b = 0, 1, 2.
    expect(denied?.flows).toBe(3 * (20 + 30 + 60) + 3 * (0 + 1 + 2));
    await store.writeBatch(batchOf('new', [makeFlow({ port: 99 })]));
    expect(store.db.prepare('SELECT id FROM rollup_keys WHERE port = 99').pluck().get()).toBe(-7);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    await store.close();
  });

  it('passes integrity_check after writes, retention and reopen', async () => {
    const path = join(tempDir(), 'i.db');
    const store = openSqliteStore({ path, retentionChunk: 50 });
    const flows = makeFlows(1_000, { deniedShare: 0.5, spanMs: 10 * 86_400_000 });
    for (let i = 0; i < flows.length; i += 100) {
      await store.writeBatch(batchOf(`b${i}`, flows.slice(i, i + 100)));
    }
    const res = await store.applyRetention(T0 + 10 * 86_400_000, {
      rawMs: 5 * 86_400_000,
      rollup1mMs: 6 * 86_400_000,
      rollup1hMs: 7 * 86_400_000,
    });
    // Several chunks of 50 were needed, and the results still add up.
    expect(res.rawDeleted).toBeGreaterThan(100);
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    await store.close();
    const again = openSqliteStore({ path });
    expect(again.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(again.db.pragma('foreign_key_check')).toEqual([]);
    await again.close();
  });

  it('uses the configured sampling rate and rejects an invalid one', async () => {
    const all = openSqliteStore({ path: ':memory:', allowedSampleRate: 1 });
    const none = openSqliteStore({ path: ':memory:', allowedSampleRate: 0 });
    const flows = makeFlows(200, { deniedShare: 0.2, seed: 3 });
    const denied = flows.filter((f) => f.verdict === 'denied').length;
    expect((await all.writeBatch(batchOf('a', flows))).rawEvents).toBe(200);
    expect((await none.writeBatch(batchOf('a', flows))).rawEvents).toBe(denied);
    await all.close();
    await none.close();
    expect(() => openSqliteStore({ path: ':memory:', allowedSampleRate: 1.5 })).toThrow(/0 to 1/);
  });

  it('sees batches written by another connection to the same file', async () => {
    const path = join(tempDir(), 'two.db');
    const a = openSqliteStore({ path });
    const b = openSqliteStore({ path });
    await a.writeBatch(batchOf('shared', [makeFlow()]));
    expect((await b.writeBatch(batchOf('shared', [makeFlow()]))).duplicate).toBe(true);
    await b.writeBatch(batchOf('b-first', [makeFlow({ time: T0 + 2 })]));
    await a.applyRetention(T0 + 500 * 86_400_000, { rawMs: 1, rollup1mMs: 1, rollup1hMs: 1 });
    // b cached the pruned key's id; the key epoch makes it reload instead of writing orphans.
    await b.writeBatch(batchOf('later', [makeFlow({ time: T0 + 1 })]));
    expect((await a.queryRollups({ resolution: '1m', groupBy: [] }))[0]?.flows).toBe(1);
    await a.close();
    await b.close();
  });

  it('uses an index for namespace and verdict queries ordered by time, without sorting', async () => {
    const store = openSqliteStore({ path: ':memory:' });
    const plan = (where: string): string =>
      (
        store.db
          .prepare(
            `EXPLAIN QUERY PLAN SELECT * FROM flow_events ${where} ORDER BY time DESC, id DESC LIMIT 10`,
          )
          .all() as { detail: string }[]
      )
        .map((r) => r.detail)
        .join('; ');
    const cases: [string, RegExp][] = [
      ["WHERE verdict = 'denied'", /INDEX flow_events_verdict/],
      ["WHERE src_ns = 'shop'", /INDEX flow_events_src_ns/],
      ['WHERE time >= 5 AND time < 9', /INDEX flow_events_time/],
      ['', /INDEX flow_events_time/],
    ];
    for (const [where, index] of cases) {
      const p = plan(where);
      expect(p).toMatch(index);
      expect(p).not.toMatch(/TEMP B-TREE/);
    }
    await store.close();
  });
});

describe('rollup key text', () => {
  it('is the same on the hot path and from the key object, and unambiguous', async () => {
    const { rollupKeyOf, rollupKeyText, rollupKeyTextOf } = await import('../rollup-key.js');
    for (const f of makeFlows(50, { seed: 5 })) {
      expect(rollupKeyTextOf(f)).toBe(rollupKeyText(rollupKeyOf(f)));
    }
    // A name that contains what looks like the next field must not merge two keys.
    const a = makeFlow({ src: { namespace: 'a1:b' } });
    const b = makeFlow({ src: { namespace: 'a' } });
    expect(rollupKeyTextOf(a)).not.toBe(rollupKeyTextOf(b));
    expect(rollupKeyTextOf(makeFlow({ port: null }))).not.toBe(
      rollupKeyTextOf(makeFlow({ port: 0 })),
    );
  });
});
