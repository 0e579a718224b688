/**
 * A developer sees only flows whose source or destination is in their namespaces, through
 * every read API; other namespaces leak nowhere (rows, counts, filters, errors). External IPs
 * are pseudonymised for developers and shown to admins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildTestApp, type TestApp } from '../testing/auth-app.js';
import { type TestSession, testSession, testToken } from '../testing/auth-session.js';
import { externalEndpoint, makeAllowedFlow, makeFlow, T0 } from '../testing/flow-factory.js';

const HIDDEN = 'hidden-ns';
const W = `from=${T0 - 3_600_000}&to=${T0 + 60_000}`;

let t: TestApp;
let dev: TestSession;
let admin: TestSession;

beforeAll(async () => {
  const flows = [
    makeFlow({
      src: { namespace: 'shop' },
      dst: { namespace: 'shop', workload: { kind: 'Deployment', name: 'cart' } },
    }),
    makeAllowedFlow({ src: { namespace: 'shop' }, dst: externalEndpoint('203.0.113.9') }),
    makeFlow({
      src: { namespace: HIDDEN, pod: 'hidden-pod' },
      dst: { namespace: HIDDEN, workload: { kind: 'Deployment', name: 'vault' } },
    }),
    makeAllowedFlow({ src: { namespace: HIDDEN }, dst: externalEndpoint('198.51.100.77') }),
  ];
  t = await buildTestApp({
    flows,
    now: T0,
    tune: (c) => {
      c.ingest.allowedSampleRate = 1;
    },
  });
  dev = await testSession(t.services.auth, 'developer', ['shop']);
  admin = await testSession(t.services.auth, 'admin');
});
afterAll(async () => t.close());

const READS = [
  '/api/v1/flows?limit=1000&from=2025-01-15T00:00:00Z&to=2025-01-16T00:00:00Z',
  '/api/v1/summary?from=2025-01-15T00:00:00Z&to=2025-01-16T00:00:00Z',
  `/api/v1/dashboard/meta`,
  `/api/v1/dashboard/overview?${W}`,
  `/api/v1/dashboard/timeseries?${W}&verdict=denied`,
  `/api/v1/dashboard/timeseries?${W}&verdict=allowed`,
  `/api/v1/dashboard/denied?${W}`,
  `/api/v1/dashboard/allowed/volume?${W}`,
  `/api/v1/dashboard/allowed/external?${W}`,
  `/api/v1/dashboard/service-map?${W}`,
  `/api/v1/dashboard/flows?${W}`,
  `/api/v1/dashboard/flows/export?${W}&format=csv`,
  `/api/v1/dashboard/flows/export?${W}&format=ndjson`,
  `/api/v1/dashboard/policies`,
];

describe('developer scope through the HTTP API', () => {
  it('the fixture is visible to an admin, so the checks below can fail', async () => {
    const r = await t.app.inject({ url: `/api/v1/dashboard/flows?${W}`, headers: admin.headers });
    expect(r.body).toContain(HIDDEN);
    expect(r.body).toContain('198.51.100.77');
  });

  it('never shows another namespace on any read route', async () => {
    for (const url of READS) {
      const r = await t.app.inject({ url, headers: dev.headers });
      expect(r.statusCode, `${url}: ${r.body}`).toBe(200);
      expect(r.body, url).not.toContain(HIDDEN);
      expect(r.body, url).not.toContain('vault');
      expect(r.body, url).not.toContain('198.51.100.77');
    }
    const own = await t.app.inject({ url: `/api/v1/dashboard/flows?${W}`, headers: dev.headers });
    expect((own.json() as { flows: unknown[] }).flows).toHaveLength(2);
    expect(own.body).toContain('cart');
  });

  it('answers a filter on a hidden namespace exactly like one on a namespace that does not exist', async () => {
    for (const base of [
      `/api/v1/dashboard/flows?${W}&namespace=`,
      `/api/v1/dashboard/overview?${W}&namespace=`,
      `/api/v1/dashboard/service-map?${W}&namespace=`,
      '/api/v1/flows?namespace=',
      `/api/v1/dashboard/policies/detail?name=x&namespace=`,
    ]) {
      const hidden = await t.app.inject({ url: base + HIDDEN, headers: dev.headers });
      const none = await t.app.inject({ url: `${base}no-such-ns`, headers: dev.headers });
      expect(hidden.statusCode, base).toBe(none.statusCode);
      expect(hidden.body.replaceAll(HIDDEN, 'X'), base).toBe(
        none.body.replaceAll('no-such-ns', 'X'),
      );
    }
  });

  it('pseudonymises external IPs for developers, not for admins, and refuses IP filters', async () => {
    const d = await t.app.inject({ url: `/api/v1/dashboard/flows?${W}`, headers: dev.headers });
    expect(d.body).not.toContain('203.0.113.9');
    expect(d.body).toMatch(/anon-[0-9a-f]{12}/);
    const a = await t.app.inject({ url: `/api/v1/dashboard/flows?${W}`, headers: admin.headers });
    expect(a.body).toContain('203.0.113.9');
    const f = await t.app.inject({
      url: `/api/v1/dashboard/flows?${W}&ip=203.0.113.9`,
      headers: dev.headers,
    });
    expect(f.statusCode).toBe(400);
  });

  it('scopes a namespace-bound read token the same way', async () => {
    const token = await testToken(t.services.auth, 'read', ['shop']);
    const r = await t.app.inject({
      url: '/api/v1/flows?limit=1000&from=2025-01-15T00:00:00Z',
      headers: token,
    });
    expect(r.statusCode).toBe(200);
    expect(r.body).not.toContain(HIDDEN);
    expect((r.json() as { flows: unknown[] }).flows.length).toBe(2);
  });

  it('records exports in the audit log', async () => {
    const entries = await t.services.auth.audit.query({
      action: 'flows.export',
      actor: dev.username,
    });
    expect(entries.length).toBeGreaterThanOrEqual(2);
  });
});
