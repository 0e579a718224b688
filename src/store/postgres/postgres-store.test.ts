import { expect, it } from 'vitest';

import { describePostgres } from '../../testing/postgres-server.js';
import { describeStoreContract } from '../contract.js';
import { hostileFlows, makeFlows, T0 } from '../contract/flow-fixtures.js';
import { openPostgresStore, type PostgresFlowStore } from './postgres-store.js';
import { preparePgBatch } from './prepared-batch-pg.js';

describePostgres('PostgreSQL store (throwaway PostgreSQL 15)', (server) => {
  describeStoreContract('postgres (fresh database per test)', async () => {
    const url = await server().createDatabase();
    let store: PostgresFlowStore = await openPostgresStore({ url, poolSize: 4 });
    return {
      store,
      reopen: async () => (store = await openPostgresStore({ url, poolSize: 4 })),
      cleanup: async () => {
        await store.close();
        await server().dropDatabase(url);
      },
    };
  });
});

describePostgres('PostgreSQL store: statistics while it grows', (server) => {
  it('starts counting towards the first ANALYZE at the raw events a reopened store holds', async () => {
    const url = await server().createDatabase();
    let store = await openPostgresStore({ url, poolSize: 2 });
    try {
      expect(store.nextAnalyzeMark).toBe(1_000); // a new database: the default
      const res = await store.writeBatches([
        {
          id: 'a',
          flows: makeFlows(400, { seed: 5, start: T0 }),
          source: 'hubble',
          receivedAt: T0,
        },
      ]);
      const raw = res.reduce((n, r) => n + r.rawEvents, 0);
      expect(raw).toBeGreaterThan(0);
      await store.pool.query('ANALYZE flow_events');
      await store.close();
      store = await openPostgresStore({ url, poolSize: 2, analyzeAfterFlows: 10 });
      expect(store.nextAnalyzeMark).toBe(raw);
    } finally {
      await store.close();
      await server().dropDatabase(url);
    }
  });

  it('stores a batch prepared on a worker with the same text as its flows', async () => {
    const url = await server().createDatabase();
    const store = await openPostgresStore({ url, poolSize: 2 });
    try {
      const flows = hostileFlows();
      const batch = { id: 'w', flows, source: 'hubble' as const, receivedAt: T0 };
      // Through a structured clone, as a worker's batch reaches the writer.
      await store.writeBatches([structuredClone(preparePgBatch(batch, 0.1))]);
      const page = await store.queryFlows({}, { limit: 100 });
      const byTime = (a: { time: number }, b: { time: number }) => a.time - b.time;
      expect(page.flows.map(({ id: _i, sampleWeight: _w, ...f }) => f).sort(byTime)).toEqual(flows);
    } finally {
      await store.close();
      await server().dropDatabase(url);
    }
  });

  it('analyzes the rollup tables and raw events once the flows it committed reach the mark', async () => {
    const url = await server().createDatabase();
    const store = await openPostgresStore({ url, poolSize: 2, analyzeAfterFlows: 100 });
    // last_analyze is set by ANALYZE only (autovacuum sets last_autoanalyze).
    const analyzed = async () =>
      (
        await store.pool.query<{ relname: string }>(
          `SELECT relname FROM pg_stat_user_tables
           WHERE relname IN ('rollup_keys', 'rollup_1m', 'rollup_1h', 'rollup_1d', 'flow_events')
             AND last_analyze IS NOT NULL ORDER BY relname`,
        )
      ).rows.map((r) => r.relname);
    try {
      const flows = makeFlows(150, { seed: 3, start: T0 });
      await store.writeBatches([
        { id: 'a', flows: flows.slice(0, 60), source: 'hubble', receivedAt: T0 },
      ]);
      expect(await analyzed()).toEqual([]);
      await store.writeBatches([
        { id: 'b', flows: flows.slice(60), source: 'hubble', receivedAt: T0 },
      ]);
      // The statistics collector reports a little later than the ANALYZE itself.
      let tables: string[] = [];
      for (let i = 0; i < 50 && tables.length < 5; i++) {
        await new Promise((r) => setTimeout(r, 100));
        tables = await analyzed();
      }
      expect(tables).toEqual(['flow_events', 'rollup_1d', 'rollup_1h', 'rollup_1m', 'rollup_keys']);
    } finally {
      await store.close();
      await server().dropDatabase(url);
    }
  });
});
