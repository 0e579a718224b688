import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FlowQuerySchema } from '../api/query-schema.js';
import { openSqliteStore, type SqliteFlowStore } from '../store/sqlite/sqlite-store.js';
import { makeFlow, T0 } from '../testing/flow-factory.js';
import { QueryService, type SearchProgress } from './query.js';

const MIN = 60_000;

describe('QueryService.allFlows with a search budget of 0', () => {
  let dir: string;
  let store: SqliteFlowStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netsec-query-service-'));
    store = openSqliteStore({ path: join(dir, 'db.sqlite'), now: () => T0 });
    // 40 events on port 9999 in two bursts four hours apart, with others around them.
    const flows = [
      ...Array.from({ length: 20 }, (_, i) => makeFlow({ time: T0 - i * 1000, port: 9999 })),
      ...Array.from({ length: 20 }, (_, i) =>
        makeFlow({ time: T0 - 240 * MIN - i * 1000, port: 9999 }),
      ),
      ...Array.from({ length: 50 }, (_, i) => makeFlow({ time: T0 - i * 5 * MIN, port: 443 })),
    ];
    await store.writeBatch({ id: 'b', flows, source: 'hubble', receivedAt: T0 });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('yields every match once, past pages that found nothing, and reports how far it got', async () => {
    const service = new QueryService(store, () => T0 + MIN, 35 * 86_400_000, 0);
    for (const q of [
      { port: '9999' },
      { port: '9999', from: String(T0 - 600 * MIN), to: String(T0 + 1) },
    ]) {
      const query = FlowQuerySchema.parse(q);
      const heard: SearchProgress[] = [];
      const got = [];
      for await (const f of service.allFlows(query, 1_000_000, (p) => heard.push(p))) got.push(f);
      const plain = await store.queryFlows({ port: 9999 }, { limit: 1000 });
      expect(got.map((f) => f.id)).toEqual(plain.flows.map((f) => f.id));
      expect(got).toHaveLength(40);
      // Between the bursts, and below the second, slices that found nothing: progress each time.
      expect(heard.length).toBeGreaterThan(4);
      const times = heard.map((p) => p.searchedTo);
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(heard.map((p) => p.rows)).toEqual([...heard.map((p) => p.rows)].sort((a, b) => a - b));
      expect(heard.at(-1)?.rows).toBe(40);
      expect(heard[0]?.from).toBe(q.from === undefined ? null : T0 - 600 * MIN);
    }
  });

  it('stops at the limit', async () => {
    const service = new QueryService(store, () => T0 + MIN, 35 * 86_400_000, 0);
    const got = [];
    for await (const f of service.allFlows(FlowQuerySchema.parse({ port: '9999' }), 25))
      got.push(f);
    expect(got).toHaveLength(25);
  });
});
