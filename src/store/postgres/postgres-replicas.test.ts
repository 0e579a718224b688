/**
 * PostgreSQL-specific behaviour: migrations (idempotent, atomic, concurrent openers), several
 * replicas (pools) on one database, advisory-lock leadership, and text PostgreSQL cannot hold.
 */
import pg from 'pg';
import { expect, it, vi } from 'vitest';

import type { Flow } from '../../domain/flow.js';
import { describePostgres } from '../../testing/postgres-server.js';
import { allFlows, asFlow, batchOf } from '../contract/context.js';
import { makeFlow, makeFlows, T0 } from '../contract/flow-fixtures.js';
import { DEFAULT_RETENTION, type FlowFilter } from '../flow-store.js';
import { flowsQuery } from './flow-query.js';
import { withAdvisoryLock } from './leadership.js';
import { pgSchemaVersion, runPgMigrations } from './migrate.js';
import { openPostgresStore, type PostgresFlowStore, redactUrl } from './postgres-store.js';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from './schema.js';

const DAY = 86_400_000;

describePostgres('PostgreSQL store: migrations, replicas, leadership', (server) => {
  const open: PostgresFlowStore[] = [];
  const replicas = async (n: number, url?: string): Promise<PostgresFlowStore[]> => {
    const u = url ?? (await server().createDatabase());
    const stores = await Promise.all(
      Array.from({ length: n }, () => openPostgresStore({ url: u, poolSize: 4, now: () => T0 })),
    );
    open.push(...stores);
    return stores;
  };
  const closeAll = async (): Promise<void> => {
    for (const s of open.splice(0)) await s.close();
  };

  it('migrates once when four replicas start at the same moment, and again changes nothing', async () => {
    try {
      const url = await server().createDatabase();
      const stores = await replicas(4, url);
      const [a] = stores as [PostgresFlowStore];
      await a.migrate();
      const rows = await a.pool.query(
        'SELECT version, name, applied_at FROM schema_migrations ORDER BY version',
      );
      expect(rows.rows).toEqual(
        PG_MIGRATIONS.map((m) => ({ version: m.version, name: m.name, applied_at: T0 })),
      );
      expect((await a.stats()).schemaVersion).toBe(PG_SCHEMA_VERSION);
      // Someone else's single-bigint advisory locks cannot collide with ours (two-int form).
      const locks = await a.pool.query(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'",
      );
      expect(locks.rows[0].n).toBe(0);
    } finally {
      await closeAll();
    }
  });

  it('applies each migration atomically and refuses a database from a newer build', async () => {
    const url = await server().createDatabase();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const steps = [
        { version: 2, name: 'two', sql: 'ALTER TABLE t ADD COLUMN b text' },
        { version: 1, name: 'one', sql: 'CREATE TABLE t (a integer)' },
      ];
      expect(await runPgMigrations(pool, steps, 1)).toBe(2);
      const broken = [
        ...steps,
        { version: 3, name: 'bad', sql: 'CREATE TABLE u (x integer); SELECT nope FROM missing' },
      ];
      await expect(runPgMigrations(pool, broken, 2)).rejects.toThrow(/missing/);
      expect((await pool.query("SELECT to_regclass('u') AS r")).rows[0].r).toBeNull();
      expect(await pgSchemaVersion(pool)).toBe(2);
      await expect(runPgMigrations(pool, steps.slice(1), 3)).rejects.toThrow(
        /newer than this build/,
      );
      await expect(
        runPgMigrations(pool, [{ version: 2, name: 'gap', sql: '' }], 3),
      ).rejects.toThrow(/numbered/);
      // The advisory lock was released on every path: another session can take it at once.
      const free = await pool.query(
        "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted",
      );
      expect(free.rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('counts a batch id sent to two replicas at once exactly once', async () => {
    try {
      const [a, b] = (await replicas(2)) as [PostgresFlowStore, PostgresFlowStore];
      const ids = Array.from({ length: 20 }, (_, i) => `dup-${i}`);
      const results = await Promise.all(
        ids.flatMap((id, i) => {
          const flows = makeFlows(50, { seed: i, deniedShare: 1 });
          return [a.writeBatch(batchOf(id, flows)), b.writeBatch(batchOf(id, flows))];
        }),
      );
      expect(
        results
          .filter((r) => !r.duplicate)
          .map((r) => r.batchId)
          .sort(),
      ).toEqual([...ids].sort());
      expect(results.filter((r) => r.duplicate)).toHaveLength(20);
      const [row] = await b.queryRollups({ resolution: '1h', groupBy: [] });
      expect(row?.flows).toBe(1000);
      expect((await a.stats()).rawEvents).toBe(1000);
      expect((await a.stats()).batches).toBe(20);
      // Groups with the same ids in opposite orders, at once: no deadlock, each id once.
      const g = (id: string, seed: number): ReturnType<typeof batchOf> =>
        batchOf(id, makeFlows(10, { seed, deniedShare: 1 }));
      const [ra, rb] = await Promise.all([
        a.writeBatches([g('x', 1), g('y', 2), g('z', 3)]),
        b.writeBatches([g('z', 3), g('y', 2), g('x', 1)]),
      ]);
      const won = [...ra, ...rb].filter((r) => !r.duplicate).map((r) => r.batchId);
      expect(won.sort()).toEqual(['x', 'y', 'z']);
      expect((await a.queryRollups({ resolution: '1m', groupBy: [] }))[0]?.flows).toBe(1030);
    } finally {
      await closeAll();
    }
  });

  it('sums exactly when replicas write the same keys and buckets concurrently', async () => {
    try {
      const stores = await replicas(3);
      // Same seed for everyone: every batch hits the same aggregation keys and minutes.
      const flows = makeFlows(300, { seed: 7, deniedShare: 0.3, spanMs: 5 * 60_000 });
      await Promise.all(
        stores.flatMap((s, r) =>
          Array.from({ length: 4 }, (_, i) => s.writeBatch(batchOf(`r${r}-b${i}`, flows))),
        ),
      );
      const one = stores[0] as PostgresFlowStore;
      const byNs = await one.queryRollups({ resolution: '1m', groupBy: ['srcNamespace'] });
      const want = new Map<string | null, number>();
      for (const f of flows)
        want.set(f.src.namespace, (want.get(f.src.namespace) ?? 0) + 12 * (f.flows ?? 0));
      expect(new Map(byNs.map((r) => [r.srcNamespace ?? null, r.flows]))).toEqual(want);
      // Keys were created once each, whichever replica got there first.
      const keys = await one.pool.query(
        'SELECT count(*)::int AS n, count(DISTINCT key_text)::int AS d FROM rollup_keys',
      );
      expect(keys.rows[0].n).toBe(keys.rows[0].d);
    } finally {
      await closeAll();
    }
  });

  it('never leaves rollup rows without their key when another replica prunes keys', async () => {
    try {
      const [a, b] = (await replicas(2)) as [PostgresFlowStore, PostgresFlowStore];
      const now = T0 + 500 * DAY;
      await b.writeBatch(batchOf('old', [makeFlow({ time: T0 })])); // b caches the key id
      await a.applyRetention(now, DEFAULT_RETENTION); // a prunes that key
      await b.writeBatch(batchOf('new', [makeFlow({ time: now }), makeFlow({ time: now + 1 })]));
      const orphans = await a.pool.query(
        `SELECT count(*)::int AS n FROM rollup_1m r LEFT JOIN rollup_keys k ON k.id = r.key_id WHERE k.id IS NULL`,
      );
      expect(orphans.rows[0].n).toBe(0);
      expect((await a.queryRollups({ resolution: '1m', groupBy: [] }))[0]?.flows).toBe(2);
      // Pruning while writes run: the totals still add up.
      await Promise.all([
        ...Array.from({ length: 5 }, (_, i) =>
          b.writeBatch(batchOf(`w${i}`, [makeFlow({ time: now + 10 + i })])),
        ),
        a.applyRetention(now + 401 * DAY, {
          ...DEFAULT_RETENTION,
          rollup1hMs: 400 * DAY + 10 * DAY,
        }),
      ]);
      const [h] = await a.queryRollups({ resolution: '1h', groupBy: [] });
      expect(h?.flows).toBe(7);
    } finally {
      await closeAll();
    }
  });

  it('lets one replica at a time lead a job, and frees the lock when the leader goes away', async () => {
    try {
      const [a, b] = (await replicas(2)) as [PostgresFlowStore, PostgresFlowStore];
      const lead = await a.tryLeadership('retention');
      expect(lead).not.toBeNull();
      expect(await b.tryLeadership('retention')).toBeNull();
      expect(await a.tryLeadership('retention')).toBeNull(); // another session of the same replica
      const other = await b.tryLeadership('detection'); // other names are independent
      expect(other).not.toBeNull();
      await other?.release();
      await lead?.release();
      await lead?.release();
      const next = await b.tryLeadership('retention');
      expect(next).not.toBeNull();
      // The leader's connection dies (crash, failover): the lock goes with it, the leader is
      // told through its signal, and its process does not crash.
      await a.pool.query(
        `SELECT pg_terminate_backend(pid) FROM pg_locks
         WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()`,
      );
      await vi.waitFor(() => expect(next?.signal.aborted).toBe(true));
      const taken = await a.tryLeadership('retention');
      expect(taken).not.toBeNull();
      await next?.release();
      // close() gives back what the store still holds.
      await a.close();
      expect(await b.tryLeadership('retention')).not.toBeNull();
    } finally {
      await closeAll();
    }
  });

  it('withAdvisoryLock runs an overlapping job on exactly one replica', async () => {
    try {
      const stores = await replicas(3);
      let running = 0;
      let maxRunning = 0;
      const job = async (): Promise<string> => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 150));
        running--;
        return 'done';
      };
      const runs = await Promise.all(stores.map((s) => withAdvisoryLock(s, 'detect', job)));
      expect(runs.filter((r) => r.ran)).toEqual([{ ran: true, value: 'done' }]);
      expect(maxRunning).toBe(1);
      // Released afterwards, also when the job throws.
      const s0 = stores[0] as PostgresFlowStore;
      await expect(
        withAdvisoryLock(s0, 'detect', () => Promise.reject(new Error('boom'))),
      ).rejects.toThrow('boom');
      expect((await withAdvisoryLock(stores[1] as PostgresFlowStore, 'detect', job)).ran).toBe(
        true,
      );
    } finally {
      await closeAll();
    }
  });

  it('stores NUL-bearing names without failing the batch, and keeps IP text as received', async () => {
    try {
      const [s] = (await replicas(1)) as [PostgresFlowStore];
      const evil = makeFlow({
        src: { pod: 'web\u0000-0', labels: { 'a\u0000b': 'c\u0000' } },
        dst: { ip: '2001:DB8:0:0::7' },
        policies: [{ ...makeFlow().policies[0], name: 'p\u0000x' } as Flow['policies'][number]],
      });
      expect((await s.writeBatch(batchOf('nul', [evil]))).duplicate).toBe(false);
      const [got] = await allFlows(s);
      expect(got?.src.pod).toBe('web\uFFFD-0');
      expect(got?.src.labels).toEqual({ 'a\u0000b': 'c\u0000' }); // JSON text keeps it exactly
      expect(got && asFlow(got).dst.ip).toBe('2001:DB8:0:0::7');
      expect(await allFlows(s, { ip: '2001:db8::/32' })).toHaveLength(1);
      expect(await allFlows(s, { ip: '2001:db8::7' })).toHaveLength(1);
      expect(await allFlows(s, { pod: 'web\u0000-0' })).toHaveLength(1);
    } finally {
      await closeAll();
    }
  });

  it('reads pages through the (…, time, id) indexes without sorting', async () => {
    try {
      const [s] = (await replicas(1)) as [PostgresFlowStore];
      const flows = makeFlows(3_000, { deniedShare: 0.5, spanMs: 3 * 3_600_000, seed: 2 });
      for (let i = 0; i < flows.length; i += 500) {
        await s.writeBatch(batchOf(`p${i}`, flows.slice(i, i + 500)));
      }
      await s.pool.query('ANALYZE');
      const cursor = (await s.queryFlows({}, { limit: 5 })).next;
      const cases: [FlowFilter, RegExp][] = [
        [{ verdict: ['denied'] }, /flow_events_verdict/],
        [{ namespace: ['shop'] }, /flow_events_(src|dst)_ns|flow_events_time/],
        [{ from: T0, to: T0 + 60_000 }, /flow_events_time/],
        [{}, /flow_events_time/],
      ];
      for (const [filter, index] of cases) {
        const q = flowsQuery(filter, { limit: 10, cursor });
        const plan = (await s.pool.query(`EXPLAIN ${q.text}`, q.values)).rows
          .map((r: { 'QUERY PLAN': string }) => r['QUERY PLAN'])
          .join('\n');
        expect({ filter, plan }).toMatchObject({ filter, plan: expect.stringMatching(index) });
        // Narrow filters may rightly prefer a bitmap scan and a sort of a few rows.
        if (filter.namespace === undefined && filter.from === undefined) {
          expect(plan).not.toMatch(/Sort/);
        }
      }
    } finally {
      await closeAll();
    }
  });

  it('names the server without its password when it cannot connect', async () => {
    const bad = new URL(server().adminUrl);
    bad.username = 'nobody';
    bad.password = 's3cret';
    bad.pathname = '/no_such_database';
    const err = await openPostgresStore({ url: bad.toString() }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^PostgreSQL store at postgres:\/\/nobody:\*\*\*@/);
    expect((err as Error).message).not.toContain('s3cret');
    expect(redactUrl('postgresql://u:p@h/db')).toBe('postgresql://u:***@h/db');
  });
});
