import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Flow } from '../../domain/flow.js';
import { openSqliteStore, type SqliteFlowStore } from '../../store/sqlite/sqlite-store.js';
import {
  makeAllowedFlow,
  makeFlow,
  podEndpoint,
  seededRandom,
  T0,
} from '../../testing/flow-factory.js';
import { getOverview } from './overview-service.js';
import type { DashboardDeps } from './scope.js';
import { allowedVolume, byChange } from './volume.js';

const HOUR = 3_600_000;
let store: SqliteFlowStore;
let deps: DashboardDeps;

beforeAll(async () => {
  store = openSqliteStore({ path: ':memory:', now: () => T0 });
  const rnd = seededRandom(11);
  const flows: Flow[] = [];
  for (let i = 0; i < 800; i += 1) {
    const app = `app-${Math.floor(rnd() * 5)}`;
    const time = T0 - Math.floor(rnd() ** 3 * 9 * 24 * HOUR);
    const src = podEndpoint('shop', app, `${app}-1`);
    if (rnd() < 0.3) flows.push(makeFlow({ time, src, port: 5432 }));
    else if (rnd() < 0.5) flows.push(makeAllowedFlow({ time, src, bytes: 100 + i }));
    else flows.push(makeAllowedFlow({ time, src, source: 'hubble', packets: null, bytes: null }));
  }
  await store.writeBatch({ id: 'o1', flows, source: 'hubble', receivedAt: T0 });
  deps = { store, demo: false, now: () => T0 };
});

afterAll(async () => {
  await store.close();
});

describe('overview from one read of the window', () => {
  it.each([
    ['1 h', HOUR],
    ['24 h', 24 * HOUR],
  ])('matches the per-connection volume query and the denied sums: %s', async (_, span) => {
    const q = { from: T0 - span - 12_345, to: T0 - 12_345 };
    const o = await getOverview(deps, q);
    const v = await allowedVolume(deps, q);
    expect(v.rows.length).toBeGreaterThanOrEqual(3);
    const sorted = [...v.rows].sort(byChange);
    expect(o.largestChanges).toEqual(sorted.slice(0, 8));
    const total = v.rows
      .filter((r) => r.unit === o.allowed.unit)
      .reduce((a, r) => a + r.current, 0);
    expect(o.allowed.current).toBe(total);
    const denied = await store.queryRollups({
      resolution: span > 6 * HOUR ? '1h' : '1m',
      from: q.from,
      to: q.to,
      verdict: ['denied'],
      groupBy: ['verdict'],
    });
    expect(o.denied.flows).toBe(denied[0]?.flows ?? null);
    expect(o.denied.flows).toBeGreaterThan(0);
  });
});
