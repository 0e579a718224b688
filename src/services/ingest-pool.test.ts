// Request bodies ingested on worker threads. Workers run compiled JavaScript, so these tests use
// the worker in dist/ (`npm test` builds first); everything around it is the source.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { Registry } from 'prom-client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { toNativeLine } from '../api/flow-schema.js';
import type { Flow } from '../domain/flow.js';
import type { ClusterModel } from '../domain/netpol/index.js';
import { createParser } from '../formats/registry.js';
import { bareEndpoint, makeFlows, T0 } from '../store/contract/flow-fixtures.js';
import { openSqliteStore, type SqliteFlowStore } from '../store/sqlite/sqlite-store.js';
import { StorageUnavailableError } from '../store/storage-errors.js';
import { dumpFlowTables } from '../testing/sqlite-dump.js';
import { loadClusterModel } from './cluster-model-service.js';
import { type BatchCommitter, GroupCommitter } from './group-commit.js';
import {
  type FlowEnricher,
  type IngestOffload,
  type IngestRunOptions,
  IngestService,
  TooManyLinesError,
} from './ingest.js';
import { IngestWorkerPool } from './ingest-pool.js';
import { liveEnricher, ModelHolder } from './live-model/model-holder.js';
import { registerIngestWorkerMetrics } from './metrics.js';

const WORKER = new URL('../../dist/services/ingest-worker.js', import.meta.url);
const SHOP = fileURLToPath(new URL('../testing/fixtures/manifests/shop/', import.meta.url));
const NOW = T0 + 7_200_000;
const RATE = 0.3;

const dirs: string[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-ingest-pool-'));
  dirs.push(dir);
  return join(dir, 's.db');
}

interface Setup {
  store: SqliteFlowStore;
  ingest: IngestService;
  pool: IngestWorkerPool | null;
  /** Bodies the pool took. */
  offloaded: () => number;
}

function setup(
  opts: {
    pooled: boolean;
    enricher?: FlowEnricher;
    committer?: BatchCommitter;
    offloadMaxBytes?: number;
  } = {
    pooled: true,
  },
): Setup {
  const store = openSqliteStore({ path: tempPath(), allowedSampleRate: RATE });
  const committer = opts.committer ?? new GroupCommitter(store);
  let pool: IngestWorkerPool | null = null;
  if (opts.pooled) {
    if (!existsSync(fileURLToPath(WORKER))) {
      throw new Error(`${fileURLToPath(WORKER)} is missing: run \`npm run build\` first`);
    }
    pool = IngestWorkerPool.open({
      workers: 2,
      prepare: { format: 'sqlite', sampleRate: RATE },
      committer,
      workerFile: WORKER,
    });
  }
  let runs = 0;
  const offload: IngestOffload | undefined = pool
    ? {
        get available() {
          return pool?.available ?? false;
        },
        run: (...a) => {
          runs++;
          return (pool as IngestWorkerPool).run(...a);
        },
      }
    : undefined;
  const ingest = new IngestService({
    store,
    createParser,
    committer,
    now: () => NOW,
    ...(opts.offloadMaxBytes !== undefined ? { offloadMaxBytes: opts.offloadMaxBytes } : {}),
    ...(opts.enricher ? { enricher: opts.enricher } : {}),
    ...(offload ? { offload } : {}),
  });
  closers.push(async () => {
    await pool?.close();
    await store.close();
  });
  return { store, ingest, pool, offloaded: () => runs };
}

const bare = bareEndpoint;

/** Native lines: flows between bare IPs of the shop manifests' pods, others, and bad lines. */
function body(n: number, seed: number): Buffer {
  const flows: Flow[] = makeFlows(n, { seed, start: T0, deniedShare: 0.3 }).map((f, i) =>
    i % 3 === 0
      ? { ...f, src: bare('10.1.0.11'), dst: bare(i % 2 ? '10.1.0.12' : '8.8.8.8') }
      : // Version labels, so that version sightings are compared too.
        { ...f, src: { ...f.src, labels: { ...f.src.labels, version: `v${i % 4}` } } },
  );
  const lines = flows.map(toNativeLine);
  lines.splice(5, 0, '{"v":1,"time":', '', '[1,2]');
  return Buffer.from(`${lines.join('\n')}\n`);
}

const RUN: IngestRunOptions = {
  format: 'native',
  cluster: 'c1',
  batchSize: 250,
  maxErrors: 10,
  idempotencyKey: 'k1',
  maxLines: 10_000,
};

describe('ingest worker pool', () => {
  let model: ClusterModel;
  beforeAll(async () => {
    model = (await loadClusterModel([SHOP])).model;
  });

  it('answers and stores exactly as ingesting on the calling thread, enrichment included', async () => {
    const here = setup({ pooled: false, enricher: liveEnricher(new ModelHolder(model)) });
    const off = setup({ pooled: true, enricher: liveEnricher(new ModelHolder(model)) });
    const input = body(1200, 1);
    const want = await here.ingest.ingestBody(input, RUN);
    const got = await off.ingest.ingestBody(input, RUN);
    expect(off.offloaded()).toBe(1);
    expect(got).toEqual(want);
    expect(want.counts).toMatchObject({ flows: 1200, rejected: 2, stored: 1200, batches: 5 });
    expect(want.errors.map((e) => e.line)).toEqual([6, 8]);
    const rows = dumpFlowTables(off.store.db);
    expect(rows).toEqual(dumpFlowTables(here.store.db));
    expect(rows['workload_versions']?.length).toBeGreaterThan(1);
    // The worker enriched: the bare IP became the shop's frontend pod.
    const enriched = off.store.db
      .prepare(
        "SELECT count(*) FROM flow_events WHERE src_ip = '10.1.0.11' AND src_wl = 'frontend'",
      )
      .pluck()
      .get() as number;
    expect(enriched).toBeGreaterThan(10);
    // The same key again: every batch is a duplicate, nothing is stored twice.
    const again = await off.ingest.ingestBody(input, RUN);
    expect(again.counts).toMatchObject({ batches: 5, duplicateBatches: 5, stored: 0 });
    expect(dumpFlowTables(off.store.db)).toEqual(rows);
  });

  it('enriches with the model in force when a new one replaces it', async () => {
    const holder = new ModelHolder(model);
    const off = setup({ pooled: true, enricher: liveEnricher(holder) });
    await off.ingest.ingestBody(body(60, 2), { ...RUN, idempotencyKey: 'a' });
    holder.set({
      ...model,
      pods: model.pods.map((p) =>
        p.ip === '10.1.0.11' ? { ...p, workload: { ...p.workload, name: 'frontend-v2' } } : p,
      ),
    });
    await off.ingest.ingestBody(body(60, 3), { ...RUN, idempotencyKey: 'b' });
    const wl = off.store.db
      .prepare("SELECT DISTINCT src_wl FROM flow_events WHERE src_ip = '10.1.0.11' ORDER BY 1")
      .pluck()
      .all();
    expect(wl).toEqual(['frontend', 'frontend-v2']);
    expect(off.offloaded()).toBe(2);
  });

  it('refuses a body of too many lines whole, committing nothing', async () => {
    const off = setup();
    await expect(off.ingest.ingestBody(body(30, 4), { ...RUN, maxLines: 20 })).rejects.toThrow(
      TooManyLinesError,
    );
    expect(off.offloaded()).toBe(1);
    expect(off.store.db.prepare('SELECT count(*) FROM batches').pluck().get()).toBe(0);
  });

  it('reports a store that cannot write as unavailable, and readiness follows', async () => {
    const full: BatchCommitter = {
      commit: () =>
        Promise.reject(
          Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }),
        ),
    };
    const off = setup({ pooled: true, committer: full });
    const err = await off.ingest.ingestBody(body(30, 5), RUN).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect((err as StorageUnavailableError).failure).toMatchObject({ kind: 'full' });
    expect(off.ingest.storage.state().writable).toBe(false);
  });

  it('stays on the calling thread for an enricher a worker cannot copy', async () => {
    const plain: FlowEnricher = { enrich: (f) => f };
    const off = setup({ pooled: true, enricher: plain });
    const r = await off.ingest.ingestBody(body(40, 6), RUN);
    expect(r.counts.stored).toBe(40);
    expect(off.offloaded()).toBe(0);
  });

  it('keeps a body above the size limit on the calling thread', async () => {
    const input = body(40, 7);
    const off = setup({ pooled: true, offloadMaxBytes: input.byteLength - 1 });
    expect((await off.ingest.ingestBody(input, RUN)).counts.stored).toBe(40);
    expect(off.offloaded()).toBe(0);
    const fits = setup({ pooled: true, offloadMaxBytes: input.byteLength });
    expect((await fits.ingest.ingestBody(input, RUN)).counts.stored).toBe(40);
    expect(fits.offloaded()).toBe(1);
  });

  it.skipIf(process.platform !== 'linux')(
    "lowers the worker threads' priority (ingest.workerNice), not the main thread's",
    async () => {
      // Threads of this process by nice value (field 19 of /proc/<pid>/task/<tid>/stat, after
      // the name in parentheses); a thread that ended meanwhile counts as none.
      const niceOf = (tid: string): number => {
        try {
          const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
          return Number(stat.replace(/^.*\) /s, '').split(' ')[16]);
        } catch {
          return Number.NaN;
        }
      };
      const threadsAt = (nice: number): number =>
        readdirSync('/proc/self/task').filter((t) => niceOf(t) === nice).length;
      const before = threadsAt(7);
      const mainNice = niceOf(String(process.pid));
      const store = openSqliteStore({ path: tempPath(), allowedSampleRate: RATE });
      const pool = IngestWorkerPool.open({
        workers: 2,
        nice: 7,
        prepare: { format: 'sqlite', sampleRate: RATE },
        committer: new GroupCommitter(store),
        workerFile: WORKER,
      });
      closers.push(async () => {
        await pool?.close();
        await store.close();
      });
      let lowered = 0;
      for (let i = 0; i < 100 && lowered < 2; i++) {
        await new Promise((r) => setTimeout(r, 50));
        lowered = threadsAt(7) - before;
      }
      expect(lowered).toBe(2);
      expect(niceOf(String(process.pid))).toBe(mainNice);
    },
  );

  it('fails the bodies of a worker that dies, replaces it, and gives up after repeated deaths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsec-dying-'));
    dirs.push(dir);
    const file = join(dir, 'dying-worker.mjs');
    writeFileSync(
      file,
      "import { parentPort } from 'node:worker_threads';\n" +
        "parentPort.on('message', (m) => { if (m.type === 'run') process.exit(3); });\n",
    );
    const store = openSqliteStore({ path: tempPath() });
    const pool = IngestWorkerPool.open({
      workers: 1,
      prepare: { format: 'sqlite', sampleRate: RATE },
      committer: new GroupCommitter(store),
      workerFile: pathToFileURL(file),
    });
    closers.push(async () => {
      await pool?.close();
      await store.close();
    });
    if (!pool) throw new Error('no pool');
    const opts = { format: 'native' as const, cluster: 'c1', receivedAt: NOW };
    for (let i = 0; i < 4; i++) {
      await expect(pool.run(Buffer.from('{}\n'), opts, null)).rejects.toThrow(/exited with code 3/);
    }
    expect(pool.stats().restarts).toBe(3);
    expect(pool.available).toBe(false);
    const registry = new Registry();
    registerIngestWorkerMetrics(registry, () => pool.stats());
    const text = await registry.metrics();
    expect(text).toMatch(/^netsec_ingest_worker_restarts 3$/m);
    expect(text).toMatch(/^netsec_ingest_workers 0$/m);
  });
});
