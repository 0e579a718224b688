// The SQLite store with its reads on worker threads. Workers run compiled JavaScript, so these
// tests use the worker in dist/ (`npm test` builds first); the store around it is the source.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, describe, expect, it } from 'vitest';

import { createMetrics } from '../../services/metrics.js';
import { describeStoreContract } from '../contract.js';
import { batchOf } from '../contract/context.js';
import { makeFlows, T0 } from '../contract/flow-fixtures.js';
import { InvalidQueryError } from '../flow-store.js';
import { SqliteReadPool } from './read-pool.js';
import { openSqliteStore, type SqliteFlowStore } from './sqlite-store.js';

const WORKER = new URL('../../../dist/store/sqlite/read-worker.js', import.meta.url);

function pooled(path: string, workers = 2): SqliteFlowStore {
  if (!existsSync(fileURLToPath(WORKER))) {
    throw new Error(`${fileURLToPath(WORKER)} is missing: run \`npm run build\` first`);
  }
  const store = openSqliteStore({ path });
  store.startReadWorkers(workers, { workerFile: WORKER });
  return store;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-pool-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

// Every store behaviour holds with reads answered by workers.
describeStoreContract('sqlite with read workers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-contract-pool-'));
  const path = join(dir, 'netsec.db');
  let store = pooled(path);
  return {
    store,
    reopen: async () => (store = pooled(path)),
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('sqlite read workers', () => {
  it('answer the heavy reads on workers, exactly as the main connection does', async () => {
    const path = join(tempDir(), 'p.db');
    const store = pooled(path);
    const local = openSqliteStore({ path });
    try {
      await store.writeBatch(batchOf('b1', makeFlows(300, { start: T0 })));
      const window = { from: T0 - 60_000, to: T0 + 3_600_000 };
      const rollups = { ...window, resolution: '1m' as const, groupBy: ['srcNamespace' as const] };
      const series = {
        ...window,
        resolution: '1m' as const,
        stepMs: 60_000,
        groupBy: ['verdict' as const],
        metric: 'flows' as const,
      };
      expect(await store.queryRollups(rollups)).toEqual(await local.queryRollups(rollups));
      // Binned rows cross from the worker packed into one buffer (read-protocol.ts).
      const binned = { ...rollups, groupBy: ['verdict' as const], binStepMs: 5 * 60_000 };
      const fromWorker = await store.queryRollups(binned);
      expect(fromWorker).toEqual(await local.queryRollups(binned));
      expect(fromWorker.some((r) => (r.bins?.length ?? 0) > 1)).toBe(true);
      expect(await store.queryTimeSeries(series)).toEqual(await local.queryTimeSeries(series));
      const page = await store.queryFlows({}, { limit: 50 });
      expect(page).toEqual(await local.queryFlows({}, { limit: 50 }));
      expect(page.flows).toHaveLength(50);
      const stats = store.readPoolStats();
      expect(stats).toMatchObject({ workers: 2, inFlight: 0, restarts: 0 });
      expect(stats?.completed).toBe(4);
      expect(local.readPoolStats()).toBeNull();
      const text = await createMetrics(store).render();
      expect(text).toMatch(/^netsec_store_read_workers 2$/m);
      expect(text).toMatch(/^netsec_store_reads_in_flight 0$/m);
      expect(text).toMatch(/^netsec_store_read_worker_restarts 0$/m);
      expect(await createMetrics(local).render()).toMatch(/^netsec_store_read_workers 0$/m);
    } finally {
      await store.close();
      await local.close();
    }
  });

  it('see a commit made on the main connection at once, and spread concurrent reads', async () => {
    const store = pooled(join(tempDir(), 'rw.db'));
    try {
      for (let i = 0; i < 5; i++) {
        await store.writeBatch(
          batchOf(`b${i}`, makeFlows(10, { start: T0 + i, seed: i, deniedShare: 1 })),
        );
        const reads = await Promise.all(
          Array.from({ length: 4 }, () => store.queryFlows({}, { limit: 1000 })),
        );
        for (const r of reads) expect(r.flows).toHaveLength(10 * (i + 1));
      }
      expect(store.readPoolStats()?.completed).toBe(20);
    } finally {
      await store.close();
    }
  });

  it('answer the largest flow page the API allows (10,000 flows) within their capped heap', async () => {
    const store = pooled(join(tempDir(), 'big.db'), 1);
    try {
      await store.writeBatch(batchOf('big', makeFlows(10_000, { start: T0, deniedShare: 1 })));
      const page = await store.queryFlows({}, { limit: 10_000 });
      expect(page.flows).toHaveLength(10_000);
      expect(store.readPoolStats()).toMatchObject({ workers: 1, restarts: 0 });
    } finally {
      await store.close();
    }
  });

  it('carry a bad query back as InvalidQueryError (answered 400 by the API)', async () => {
    const store = pooled(join(tempDir(), 'e.db'));
    try {
      await expect(store.queryFlows({}, { cursor: 'not-a-cursor' })).rejects.toThrow(
        InvalidQueryError,
      );
      await expect(store.queryFlows({ ip: '10.0.0.300' })).rejects.toThrow(InvalidQueryError);
    } finally {
      await store.close();
    }
  });

  it('fail the reads of a worker that dies, replace it, and give up after repeated deaths', async () => {
    const pool = SqliteReadPool.open({
      path: join(tempDir(), 'no-such-dir', 'x.db'),
      workers: 1,
      workerFile: WORKER,
    });
    expect(pool).not.toBeNull();
    if (!pool) return;
    const errors: string[] = [];
    for (let i = 0; i < 10 && pool.available; i++) {
      await pool
        .run({ op: 'flows', args: [{}] })
        .then(() => errors.push('answered'))
        .catch((e: Error) => errors.push(e.message));
    }
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((m) => /store read worker (failed|exited)/.test(m))).toBe(true);
    expect(errors).toHaveLength(4);
    expect(errors.every((m) => /directory does not exist/.test(m))).toBe(true);
    expect(pool.available).toBe(false);
    expect(pool.stats().restarts).toBe(3);
    await expect(pool.run({ op: 'flows', args: [{}] })).rejects.toThrow(/closed/);
    await pool.close();
  });

  it('are not started for an in-memory database, and stop with the store', async () => {
    const mem = openSqliteStore({ path: ':memory:' });
    mem.startReadWorkers(2, { workerFile: WORKER });
    expect(mem.readPoolStats()).toBeNull();
    await mem.close();
    const store = pooled(join(tempDir(), 'c.db'));
    expect(store.readPoolStats()?.workers).toBe(2);
    await store.close();
    expect(store.readPoolStats()).toBeNull();
  });

  it('keep a process alive while a read is in flight, and not once they are idle', () => {
    // A script whose only pending work is a read on a worker: before, it exited with code 13
    // (an unsettled top-level await) without an answer. It never closes the store, so it also
    // shows that idle workers let the process end.
    const path = join(tempDir(), 'alive.db');
    const script = [
      `import { openSqliteStore } from ${JSON.stringify(new URL('../../../dist/store/sqlite/sqlite-store.js', import.meta.url).href)};`,
      `const store = openSqliteStore({ path: ${JSON.stringify(path)}, readWorkers: 2 });`,
      `const page = await store.queryFlows({ from: 0, to: ${T0} }, { limit: 10, cursor: null });`,
      `console.log('read', page.flows.length);`,
    ].join('\n');
    const file = join(tempDir(), 'read.mjs');
    writeFileSync(file, script);
    const run = spawnSync(process.execPath, [file], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('read 0');
    expect(run.status).toBe(0);
  });
});
