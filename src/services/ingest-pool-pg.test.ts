// Ingest workers in front of a PostgreSQL store: they parse, check and batch, and send each
// batch prepared for the PostgreSQL writer (`preparePgBatch`), or, for a store that takes no
// prepared batches, its flows as they are; the main thread writes them. Either way the stored
// data must be what ingesting on the calling thread stores. Workers run compiled JavaScript:
// this uses the worker in dist/ (`npm test` builds first).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { expect, it } from 'vitest';

import { toNativeLine } from '../api/flow-schema.js';
import { createParser } from '../formats/registry.js';
import { makeFlows, T0 } from '../store/contract/flow-fixtures.js';
import type { FlowStore } from '../store/flow-store.js';
import { openPostgresStore } from '../store/postgres/postgres-store.js';
import { describePostgres } from '../testing/postgres-server.js';
import { GroupCommitter } from './group-commit.js';
import { type IngestRunOptions, IngestService } from './ingest.js';
import { IngestWorkerPool } from './ingest-pool.js';

const WORKER = new URL('../../dist/services/ingest-worker.js', import.meta.url);

const RUN: IngestRunOptions = {
  format: 'native',
  cluster: 'c1',
  batchSize: 250,
  maxErrors: 10,
  idempotencyKey: 'k1',
  maxLines: 10_000,
};

/** Everything a reader sees of the flows: raw events and both rollup tiers. */
async function contents(store: FlowStore) {
  const page = await store.queryFlows({}, { limit: 10_000 });
  const by = (a: object, b: object) => JSON.stringify(a).localeCompare(JSON.stringify(b));
  const groupBy = ['srcNamespace', 'dstNamespace', 'port', 'verdict', 'bucket'] as const;
  return {
    flows: page.flows.sort(by),
    m1: (await store.queryRollups({ resolution: '1m', groupBy: [...groupBy] })).sort(by),
    h1: (await store.queryRollups({ resolution: '1h', groupBy: [...groupBy] })).sort(by),
    versions: (await store.queryWorkloadVersions({ from: 0, to: T0 + 86_400_000 })).sort(by),
  };
}

describePostgres('ingest workers with a PostgreSQL store', (server) => {
  async function check(prepared: boolean): Promise<void> {
    if (!existsSync(fileURLToPath(WORKER))) {
      throw new Error(`${fileURLToPath(WORKER)} is missing: run \`npm run build\` first`);
    }
    // Some pods carry a version label: the workers' version sightings are compared too.
    const flows = makeFlows(900, { seed: 7, start: T0, deniedShare: 0.3 }).map((f, i) =>
      f.src.kind === 'pod' && i % 3 === 0
        ? { ...f, src: { ...f.src, labels: { ...f.src.labels, version: `v${i % 2}` } } }
        : f,
    );
    const lines = flows.map(toNativeLine);
    lines.splice(3, 0, '{"v":1,"time":');
    const input = Buffer.from(`${lines.join('\n')}\n`);
    const urls = [await server().createDatabase(), await server().createDatabase()];
    const [here, off] = await Promise.all(
      // A quarter of the allowed flows kept: the worker must sample as the store does.
      urls.map((url) => openPostgresStore({ url, poolSize: 2, allowedSampleRate: 0.25 })),
    );
    const committer = new GroupCommitter(off!);
    const pool = IngestWorkerPool.open({
      workers: 2,
      prepare: prepared ? off!.preparedWrites : null,
      committer,
      workerFile: WORKER,
    });
    try {
      expect(pool).not.toBeNull();
      let runs = 0;
      const offload = {
        get available() {
          return pool?.available ?? false;
        },
        run: (...a: Parameters<IngestWorkerPool['run']>) => {
          runs++;
          return (pool as IngestWorkerPool).run(...a);
        },
      };
      const ingest = (store: FlowStore, withPool: boolean) =>
        new IngestService({
          store,
          createParser,
          committer: withPool ? committer : new GroupCommitter(store),
          now: () => T0,
          ...(withPool ? { offload } : {}),
        });
      const want = await ingest(here!, false).ingestBody(input, RUN);
      const got = await ingest(off!, true).ingestBody(input, RUN);
      expect(runs).toBe(1);
      expect(got).toEqual(want);
      expect(got.counts).toMatchObject({ flows: 900, rejected: 1, stored: 900, batches: 4 });
      const stored = await contents(off!);
      const raw = stored.flows.length;
      // 30 % denied (all kept) and about a quarter of the rest.
      expect(raw).toBeGreaterThan(900 * 0.3 + 900 * 0.7 * 0.15);
      expect(raw).toBeLessThan(900 * 0.3 + 900 * 0.7 * 0.35);
      expect(stored.versions.length).toBeGreaterThan(0);
      expect(stored).toEqual(await contents(here!));
      // The same key again: every batch is a duplicate, nothing is stored twice.
      const again = await ingest(off!, true).ingestBody(input, RUN);
      expect(again.counts).toMatchObject({ batches: 4, duplicateBatches: 4, stored: 0 });
      expect((await contents(off!)).flows).toHaveLength(raw);
    } finally {
      await pool?.close();
      await Promise.all([here!.close(), off!.close()]);
    }
  }

  it('prepare batches, and the store holds what ingesting on the calling thread stores', () =>
    check(true));
  it('send flows as they are to a store without prepared writes, with the same result', () =>
    check(false));
});
