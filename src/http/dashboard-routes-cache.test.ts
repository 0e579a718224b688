import Fastify, { type FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openSqliteStore, type SqliteFlowStore } from '../store/sqlite/sqlite-store.js';
import { makeFlow, podEndpoint, T0 } from '../testing/flow-factory.js';
import { registerDashboardRoutes } from './dashboard-routes.js';

let store: SqliteFlowStore;
const registry = new Registry();
let app: FastifyInstance;
const listeners = new Set<() => void>();
const commit = (): void => listeners.forEach((l) => l());
const win = `from=${T0 - 900_000}&to=${T0 + 60_000}`;

beforeAll(async () => {
  store = openSqliteStore({ path: ':memory:', now: () => T0 });
  await store.writeBatch({
    id: 'a',
    flows: [makeFlow({ time: T0 - 60_000 })],
    source: 'hubble',
    receivedAt: T0,
  });
  app = Fastify();
  registerDashboardRoutes(app, {
    store,
    demo: false,
    now: () => T0,
    // The caller's namespaces come from a header here; in the server from the principal.
    scopeOf: (req) => {
      const ns = req.headers['x-ns'];
      return typeof ns === 'string' ? { namespaces: ns.split(',') } : undefined;
    },
    cache: {
      ttlMs: 60_000,
      registry,
      onCommit: (l) => {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    },
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  await store.close();
});

const deniedFlows = async (headers: Record<string, string> = {}): Promise<number | null> => {
  const r = await app.inject({ url: `/api/v1/dashboard/overview?${win}`, headers });
  expect(r.statusCode).toBe(200);
  return r.json().denied.flows;
};

describe('dashboard answer cache', () => {
  it('never shares an entry between scopes', async () => {
    expect(await deniedFlows()).toBe(1);
    // Same query, another scope: its own answer, not the cached one of the first caller.
    expect(await deniedFlows({ 'x-ns': 'monitoring' })).toBeNull();
    expect(await deniedFlows({ 'x-ns': 'payments' })).toBe(1);
    expect(await deniedFlows({ 'x-ns': 'monitoring' })).toBeNull();
    expect(await deniedFlows()).toBe(1);
  });

  it('serves cached answers until an ingest commit lands', async () => {
    expect(await deniedFlows()).toBe(1);
    await store.writeBatch({
      id: 'b',
      flows: [makeFlow({ time: T0 - 30_000, src: podEndpoint('shop', 'cart', 'cart-1') })],
      source: 'hubble',
      receivedAt: T0,
    });
    expect(await deniedFlows()).toBe(1); // cached
    commit();
    expect(await deniedFlows()).toBe(2);
    expect(await deniedFlows({ 'x-ns': 'payments' })).toBe(2);
  });

  it('shares one answer among live windows of the same length, and counts how it answered', async () => {
    const count = async (): Promise<Record<string, number>> => {
      const m = await registry.getSingleMetric('netsec_dashboard_cache_requests_total')?.get();
      return Object.fromEntries((m?.values ?? []).map((v) => [String(v.labels.result), v.value]));
    };
    const before = await count();
    const ask = async (shift: number): Promise<string> => {
      const r = await app.inject({
        url: `/api/v1/dashboard/overview?from=${T0 - 1_800_000 + shift}&to=${T0 + shift}`,
      });
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      return r.body;
    };
    const first = await ask(0);
    // Ends 10 s later, same length: the same live entry, whose answer does not reach that far
    // (windows align up to the next minute here), so it is served while one refresh runs.
    expect(await ask(10_000)).toBe(first);
    await new Promise((r) => setTimeout(r, 50));
    // The refreshed answer covers the next 20 s too.
    await ask(20_000);
    await ask(20_000);
    const after = await count();
    const delta = (k: string): number => (after[k] ?? 0) - (before[k] ?? 0);
    expect([delta('miss'), delta('stale'), delta('hit')]).toEqual([1, 1, 2]);
  });
});

describe('dashboard answer cache, lifetimes by window length', () => {
  // A second past a whole half minute: a day's window, aligned up to its 30-s lifetime, keeps
  // its end for the next 29 s.
  const start = Math.ceil(T0 / 30_000) * 30_000 + 1000;
  let clock = start;
  let short: SqliteFlowStore;
  let shortApp: FastifyInstance;

  beforeAll(async () => {
    short = openSqliteStore({ path: ':memory:', now: () => clock });
    await short.writeBatch({
      id: 'a',
      flows: [makeFlow({ time: T0 - 60_000 })],
      source: 'hubble',
      receivedAt: T0,
    });
    shortApp = Fastify();
    registerDashboardRoutes(shortApp, {
      store: short,
      demo: false,
      now: () => clock,
      cache: { ttlMs: 5000 },
    });
    await shortApp.ready();
  });

  afterAll(async () => {
    await shortApp.close();
    await short.close();
  });

  const denied = async (span: number): Promise<number> => {
    const r = await shortApp.inject({
      url: `/api/v1/dashboard/overview?from=${clock - span}&to=${clock}`,
    });
    expect(r.statusCode).toBe(200);
    return r.json().denied.flows;
  };
  const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 50));

  it('recomputes the last hour after the TTL and the last day after 30 s', async () => {
    expect(await denied(3_600_000)).toBe(1);
    expect(await denied(86_400_000)).toBe(1);
    await short.writeBatch({
      id: 'b',
      flows: [makeFlow({ time: T0 - 30_000, src: podEndpoint('shop', 'cart', 'cart-1') })],
      source: 'hubble',
      receivedAt: T0,
    });
    clock = start + 10_000; // past the 5-s TTL, within the day's 30 s
    expect(await denied(3_600_000)).toBe(1); // served stale while it refreshes
    await settle();
    expect(await denied(3_600_000)).toBe(2);
    expect(await denied(86_400_000)).toBe(1); // still current
    // Computed at the start, 10 s ago, and it says so.
    const day = await shortApp.inject({
      url: `/api/v1/dashboard/overview?from=${clock - 86_400_000}&to=${clock}`,
    });
    expect(day.headers.age).toBe('10');
    clock = start + 40_000;
    expect(await denied(86_400_000)).toBe(1); // stale, refreshing
    await settle();
    expect(await denied(86_400_000)).toBe(2);
  });
});
