import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openSqliteStore, type SqliteFlowStore } from '../store/sqlite/sqlite-store.js';
import { makeFlow, T0 } from '../testing/flow-factory.js';
import { registerDashboardRoutes } from './dashboard-routes.js';
import { registerWebUi } from './web-ui.js';

let dir: string;
let store: SqliteFlowStore;
let app: FastifyInstance;
let scoped: FastifyInstance;
const win = `from=${T0 - 900_000}&to=${T0 + 60_000}`;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netsec-routes-'));
  store = openSqliteStore({ path: join(dir, 'db.sqlite'), now: () => T0 });
  await store.writeBatch({
    id: 'b',
    flows: [
      makeFlow({ src: { pod: '=cmd|calc', labels: { app: '@SUM(1)' } } }),
      makeFlow({ time: T0 - 60_000 }),
    ],
    source: 'hubble',
    receivedAt: T0,
  });
  const dist = join(dir, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>shell</title>');
  writeFileSync(join(dist, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve');
  app = Fastify();
  registerDashboardRoutes(app, { store, demo: true, now: () => T0 });
  registerWebUi(app, { distDir: dist });
  await app.ready();
  scoped = Fastify();
  registerDashboardRoutes(scoped, {
    store,
    demo: false,
    now: () => T0,
    scopeOf: () => ({ namespaces: ['monitoring'] }),
  });
  await scoped.ready();
});

afterAll(async () => {
  await app.close();
  await scoped.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dashboard routes', () => {
  it('validates queries and lists the problems', async () => {
    const r = await app.inject(`/api/v1/dashboard/overview?from=${T0}&to=${T0 - 1}`);
    expect(r.statusCode).toBe(400);
    expect(r.json().issues.join(' ')).toMatch(/from must be before to/);
    const bad = await app.inject(`/api/v1/dashboard/flows?${win}&verdict=maybe`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0]).toMatch(/^verdict/);
  });

  it('answers the overview, and a scoped caller sees only its namespaces', async () => {
    const all = await app.inject(`/api/v1/dashboard/overview?${win}`);
    expect(all.statusCode).toBe(200);
    expect(all.json().denied.flows).toBe(2);
    const mine = await scoped.inject(`/api/v1/dashboard/overview?${win}`);
    expect(mine.json().denied.flows).toBeNull();
    const meta = await app.inject('/api/v1/dashboard/meta');
    expect(meta.json()).toMatchObject({ demo: true, namespaces: ['payments', 'shop'] });
  });

  it('exports CSV as an attachment with formula cells neutralised', async () => {
    const r = await app.inject(`/api/v1/dashboard/flows/export?${win}&format=csv`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="flows-.*\.csv"$/);
    expect(r.body).toContain(",'=cmd|calc,");
    expect(r.body).not.toMatch(/(^|,)=cmd/m);
  });

  it('exports every row of a search that runs out of its budget, past the empty slices', async () => {
    const sliced = Fastify();
    const own = openSqliteStore({ path: join(dir, 'sliced.sqlite'), now: () => T0 });
    try {
      // Between the two events lie slices that find nothing: an export must not end there.
      await own.writeBatch({
        id: 'gaps',
        flows: [makeFlow({ src: { pod: 'newest' } }), makeFlow({ time: T0 - 600_000 })],
        source: 'hubble',
        receivedAt: T0,
      });
      registerDashboardRoutes(sliced, { store: own, demo: false, now: () => T0, flowSearchMs: 0 });
      const lines = async (a: FastifyInstance): Promise<string[]> => {
        const r = await a.inject(`/api/v1/dashboard/flows/export?${win}&format=ndjson`);
        expect(r.statusCode).toBe(200);
        return r.body.split('\n').filter(Boolean);
      };
      const got = await lines(sliced);
      expect(got).toHaveLength(2);
      expect(JSON.parse(got[0] ?? '{}')).toMatchObject({ src: { pod: 'newest' } });
      expect(JSON.parse(got[1] ?? '{}')).toMatchObject({ time: T0 - 600_000 });
      // An open window too: searched from the dashboard's now down.
      const open = await sliced.inject('/api/v1/dashboard/flows/export?format=csv');
      expect(open.body.trim().split('\n')).toHaveLength(3);
    } finally {
      await sliced.close();
      await own.close();
    }
  });

  it('serves the shell for client routes, files from dist only, and 404 JSON for unknown API paths', async () => {
    const page = await app.inject({
      url: '/flows?verdict=denied',
      headers: { accept: 'text/html' },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<title>shell</title>');
    // What curl and health checkers send: any type is fine, so the shell.
    const root = await app.inject({ url: '/', headers: { accept: '*/*' } });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('<title>shell</title>');
    for (const accept of ['application/json', 'image/*', '']) {
      const r = await app.inject({ url: '/overview', headers: { accept } });
      expect(r.statusCode, accept).toBe(404);
    }
    expect((await app.inject('/assets/app.js')).body).toBe('console.log(1)');
    const api = await app.inject({ url: '/api/v1/nope', headers: { accept: 'text/html' } });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toEqual({ error: 'not found' });
    for (const url of ['/../secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e/secret.txt']) {
      const r = await app.inject({ url, headers: { accept: 'text/html' } });
      expect(r.body).not.toContain('do not serve');
    }
  });
});
