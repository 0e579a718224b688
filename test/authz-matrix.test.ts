/**
 * The authorisation matrix: every registered route (collected through Fastify's onRoute hook)
 * × every kind of caller, checked against the declared table below. A route missing from the
 * table fails the test, so a new route cannot ship without a decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Role } from '../src/api/auth-schema.js';
import { buildApp } from '../src/http/app.js';
import type { CollectedRoute } from '../src/http/auth/plugin.js';
import { buildTestApp, type TestApp } from '../src/testing/auth-app.js';
import { testSession, testToken } from '../src/testing/auth-session.js';
import { makeFlow, T0 } from '../src/testing/flow-factory.js';

type Caller =
  'anonymous' | Role | 'developer-other' | 'ingest-token' | 'read-token' | 'metrics-token';

const CALLERS: Caller[] = [
  'anonymous',
  'admin',
  'security',
  'auditor',
  'developer',
  'developer-other',
  'ingest-token',
  'read-token',
  'metrics-token',
];

const EVERYONE = CALLERS;
const USERS: Caller[] = ['admin', 'security', 'auditor', 'developer', 'developer-other'];
const READERS: Caller[] = [...USERS, 'read-token'];
const SIGNED_IN: Caller[] = CALLERS.filter((c) => c !== 'anonymous');

/** Who gets past authorisation on each route (method + registered URL). HEAD follows GET. */
const EXPECTED: Record<string, Caller[]> = {
  'GET /healthz': EVERYONE,
  'GET /readyz': EVERYONE,
  'GET /metrics': ['admin', 'security', 'auditor', 'read-token', 'metrics-token'],
  'POST /api/v1/ingest': ['ingest-token'],
  'GET /api/v1/flows': READERS,
  'GET /api/v1/summary': READERS,
  'GET /api/v1/info': READERS,
  'GET /api/v1/alerts/status': READERS,
  'POST /api/v1/auth/login': EVERYONE,
  'POST /api/v1/auth/logout': SIGNED_IN,
  'GET /api/v1/auth/me': SIGNED_IN,
  'GET /api/v1/auth/methods': EVERYONE,
  'GET /api/v1/auth/oidc/login': EVERYONE,
  'GET /api/v1/auth/oidc/callback': EVERYONE,
  'GET /api/v1/users': ['admin'],
  'POST /api/v1/users': ['admin'],
  'PATCH /api/v1/users/:username': ['admin'],
  'GET /api/v1/tokens': ['admin'],
  'POST /api/v1/tokens': ['admin'],
  'DELETE /api/v1/tokens/:id': ['admin'],
  'GET /api/v1/audit': ['admin', 'auditor'],
  'GET /api/v1/audit/verify': ['admin', 'auditor'],
  'GET /api/v1/dashboard/meta': READERS,
  'GET /api/v1/dashboard/overview': READERS,
  'GET /api/v1/dashboard/timeseries': READERS,
  'GET /api/v1/dashboard/denied': READERS,
  'GET /api/v1/dashboard/denied/detail': READERS,
  'GET /api/v1/dashboard/allowed/volume': READERS,
  'GET /api/v1/dashboard/allowed/external': READERS,
  'GET /api/v1/dashboard/service-map': READERS,
  'GET /api/v1/dashboard/service-map/edge': READERS,
  'GET /api/v1/dashboard/flows': READERS,
  'GET /api/v1/dashboard/flows/export': READERS,
  'GET /api/v1/dashboard/policies': READERS,
  'GET /api/v1/dashboard/policies/detail': READERS,
  'POST /api/v1/dashboard/policies/test': ['admin', 'security', 'developer', 'developer-other'],
  // Findings and the daily review (src/http/routes/findings.ts, reviews.ts).
  'GET /api/v1/findings': READERS,
  'GET /api/v1/findings/:id': READERS,
  'GET /api/v1/reviews/current': READERS,
  'POST /api/v1/reviews/current/items/:key/disposition': ['admin', 'security'],
  'POST /api/v1/reviews/current/signoff': ['admin', 'security'],
  'GET /api/v1/reviews': READERS,
  'GET /api/v1/reviews/:id': READERS,
  'GET /api/v1/suppressions': READERS,
  'DELETE /api/v1/suppressions/:id': ['admin', 'security'],
  // Incidents and namespace owners (src/http/routes/incidents.ts).
  'GET /api/v1/incidents': READERS,
  'POST /api/v1/incidents': ['admin', 'security'],
  'GET /api/v1/incidents/:id': READERS,
  'PATCH /api/v1/incidents/:id': ['admin', 'security'],
  'POST /api/v1/incidents/:id/comments': ['admin', 'security'],
  'GET /api/v1/incidents/:id/notify/preview': READERS,
  'POST /api/v1/incidents/:id/notify': ['admin', 'security'],
  'POST /api/v1/incidents/:id/quarantine/plan': ['admin', 'security'],
  'POST /api/v1/incidents/:id/quarantine/apply': ['admin', 'security'],
  'GET /api/v1/owners': READERS,
  // Compliance evidence and reports (src/http/routes/compliance.ts).
  'GET /api/v1/compliance': READERS,
  'POST /api/v1/reports': READERS,
  'GET /api/v1/reports': READERS,
  'GET /api/v1/reports/:id': READERS,
  'POST /api/v1/reports/verify': READERS,
  // Source health and the policy-change journal (src/http/routes/sources.ts).
  'GET /api/v1/sources': READERS,
  'GET /api/v1/policy-changes': READERS,
  // The static UI: files and the HTML shell hold no data.
  'GET /index.html': EVERYONE,
  'GET /assets/app.js': EVERYONE,
  'GET /*': EVERYONE,
};

const W = `from=${T0 - 3_600_000}&to=${T0 + 60_000}`;

/** A concrete URL for a registered route. */
function concrete(url: string): string {
  const path = url
    .replace(':username', 'nobody')
    .replace(':id', 'no-such-token')
    .replace('/*', '/some/client/route');
  return path.startsWith('/api/v1/dashboard') ? `${path}?${W}` : path;
}

let t: TestApp;
const headersOf = new Map<Caller, Record<string, string>>();

beforeAll(async () => {
  t = await buildTestApp({ flows: [makeFlow()], now: T0 });
  const auth = t.services.auth;
  headersOf.set('anonymous', {});
  for (const role of ['admin', 'security', 'auditor'] as const)
    headersOf.set(role, (await testSession(auth, role)).headers);
  headersOf.set('developer', (await testSession(auth, 'developer', ['shop'])).headers);
  headersOf.set('developer-other', (await testSession(auth, 'developer', ['elsewhere'])).headers);
  headersOf.set('ingest-token', await testToken(auth, 'ingest'));
  headersOf.set('read-token', await testToken(auth, 'read'));
  headersOf.set('metrics-token', await testToken(auth, 'metrics'));
});

afterAll(async () => t.close());

describe('authorisation matrix', () => {
  it('collects the routes through onRoute', () => {
    expect(t.routes.length).toBeGreaterThan(30);
  });

  it('has a declared expectation for every registered route', () => {
    const undeclared = t.routes
      .filter((r) => r.method !== 'HEAD')
      .map((r) => `${r.method} ${r.url}`)
      .filter((k) => !(k in EXPECTED));
    expect(undeclared).toEqual([]);
  });

  it('gives every registered route a decision in the route policy', () => {
    expect(t.routes.filter((r) => r.decision === null)).toEqual([]);
  });

  it('answers every route × caller as declared', async () => {
    const failures: string[] = [];
    // Logout ends the caller's session, so it runs last.
    const ordered = [...t.routes].sort(
      (a, b) => Number(a.url.endsWith('/logout')) - Number(b.url.endsWith('/logout')),
    );
    for (const route of ordered) {
      const key = `${route.method === 'HEAD' ? 'GET' : route.method} ${route.url}`;
      const allowed = EXPECTED[key] ?? [];
      for (const caller of CALLERS) {
        const res = await t.app.inject({
          method: route.method as 'GET',
          url: concrete(route.url),
          headers: {
            accept: 'text/html',
            ...(route.method === 'GET' || route.method === 'HEAD'
              ? {}
              : { 'content-type': 'application/json' }),
            ...headersOf.get(caller),
          },
          ...(route.method === 'GET' || route.method === 'HEAD' ? {} : { payload: '{}' }),
        });
        const refused = res.statusCode === 401 || res.statusCode === 403;
        const want = allowed.includes(caller);
        if (want === refused)
          failures.push(`${route.method} ${route.url} as ${caller}: ${res.statusCode}`);
        if (!want && caller === 'anonymous' && res.statusCode !== 401)
          failures.push(`${route.method} ${route.url} anonymous: ${res.statusCode}, want 401`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses a route registered without a decision, even for an admin', async () => {
    const routes: CollectedRoute[] = [];
    const app = await buildApp(
      { ...t.services, config: t.config },
      { logger: false, onRoute: (r) => routes.push(r) },
    );
    app.get('/api/v1/undeclared', async () => ({ secret: true }));
    await app.ready();
    try {
      expect(routes.find((r) => r.url === '/api/v1/undeclared')?.decision).toBeNull();
      const res = await app.inject({ url: '/api/v1/undeclared', headers: headersOf.get('admin') });
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain('secret');
    } finally {
      await app.close();
    }
  });
});
