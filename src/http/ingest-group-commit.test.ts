import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CONFIG_DEFAULTS } from '../api/config-schema.js';
import type { IngestReply } from '../api/ingest-schema.js';
import { buildServices, openFlowStore, type Services } from '../services/config-store.js';
import type { BatchResult, IngestBatch } from '../store/flow-store.js';
import { fixture } from '../testing/fixtures/formats/run-parser.js';
import { buildApp } from './app.js';

const GOOD = fixture('hubble-flows.jsonl');

describe('POST /api/v1/ingest under concurrency (group commit)', () => {
  let app: FastifyInstance;
  let services: Services;
  let base: string;
  let token: string;
  const groups: number[] = [];

  const post = (cluster: string, key: string): Promise<IngestReply> =>
    fetch(`${base}/api/v1/ingest?format=hubble&cluster=${cluster}`, {
      method: 'POST',
      body: GOOD,
      headers: {
        'content-type': 'application/x-ndjson',
        authorization: `Bearer ${token}`,
        'idempotency-key': key,
      },
    }).then(async (r) => {
      expect(r.status).toBe(200);
      return (await r.json()) as IngestReply;
    });

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsec-http-group-'));
    const config = structuredClone(CONFIG_DEFAULTS);
    config.store.path = join(dir, 'netsec.db');
    const store = await openFlowStore(config);
    const native = store.writeBatches?.bind(store);
    if (!native) throw new Error('the SQLite store commits groups natively');
    store.writeBatches = (b: readonly IngestBatch[]): Promise<BatchResult[]> => {
      groups.push(b.length);
      return native(b);
    };
    services = buildServices(store, { config, groupCommit: { windowMs: 25 } });
    app = await buildApp({ ...services, config }, { logger: false });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    token = (await services.tokens.create('test', null)).token;
  });
  afterAll(async () => {
    await app.close();
    await services.close();
  });

  it('answers every request with its own counts and detects duplicates among them', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'a', 'c'];
    const replies = await Promise.all(keys.map((k) => post('grp', k)));
    for (const r of replies) expect(r).toMatchObject({ accepted: 16, rejected: 0, skipped: 7 });
    const fresh = replies.filter((r) => !r.duplicate);
    expect(fresh.length).toBe(5);
    for (const r of fresh) expect(r.stored).toBe(16);
    for (const r of replies.filter((x) => x.duplicate)) expect(r.stored).toBe(0);
    // Seven requests, fewer transactions: they were committed together.
    expect(groups.reduce((n, g) => n + g, 0)).toBe(7);
    expect(groups.length).toBeLessThan(7);
    const [row] = await services.store.queryRollups({ resolution: '1h', groupBy: [] });
    expect(row?.flows).toBe(5 * 16);
    const again = await post('grp', 'b');
    expect(again).toMatchObject({ duplicate: true, stored: 0 });
  });
});
