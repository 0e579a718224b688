/**
 * Abuse: every attempt is refused with a 4xx, shows up in the server log, and the server keeps
 * serving afterwards.
 */
import { connect } from 'node:net';

import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { SqliteFlowStore } from '../src/store/sqlite/sqlite-store.js';
import { buildTestApp, type TestApp } from '../src/testing/auth-app.js';
import { testSession, testToken } from '../src/testing/auth-session.js';
import { makeFlow, T0 } from '../src/testing/flow-factory.js';

let t: TestApp;
let app: FastifyInstance;
const logs: Record<string, unknown>[] = [];
let admin: Awaited<ReturnType<typeof testSession>>;

/** The response log line of the last request with this status. */
function logged(status: number): boolean {
  return logs.some((l) => (l['res'] as { statusCode?: number } | undefined)?.statusCode === status);
}

beforeAll(async () => {
  t = await buildTestApp({
    flows: [makeFlow(), makeFlow({ src: { namespace: 'other' }, dst: { namespace: 'other' } })],
    now: T0,
    log: (l) => logs.push(l),
  });
  app = t.app;
  admin = await testSession(t.services.auth, 'admin');
});
afterAll(async () => t.close());
afterEach(async () => {
  // The server keeps serving after every abuse.
  expect((await app.inject('/healthz')).statusCode).toBe(200);
});

const json = { 'content-type': 'application/json' };

describe('bodies', () => {
  it('refuses oversized bodies with 413 (auth routes have a small limit of their own)', async () => {
    logs.length = 0;
    const big = JSON.stringify({ username: 'a', password: 'x'.repeat(40_000) });
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: json,
      payload: big,
    });
    expect(r.statusCode).toBe(413);
    const huge = 'x'.repeat(300 * 1024);
    const r2 = await app.inject({
      method: 'POST',
      url: '/api/v1/dashboard/policies/test',
      headers: { ...json, ...admin.headers },
      payload: JSON.stringify({ pad: huge }),
    });
    expect(r2.statusCode).toBe(413);
    expect(logged(413)).toBe(true);
  });

  it('refuses malformed bodies with 400', async () => {
    logs.length = 0;
    for (const payload of ['{"username":', 'null', '[]', '{"username":1,"password":2}', '\u0000']) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: json,
        payload,
      });
      expect(r.statusCode, payload).toBe(400);
    }
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: { ...json, ...admin.headers },
      payload: '{"username":"x","role":"root"}',
    });
    expect(r.statusCode).toBe(400);
    expect(logged(400)).toBe(true);
  });
});

describe('SQL injection in every filter', () => {
  const INJECTIONS = [
    "' OR '1'='1",
    "shop' --",
    '1; DROP TABLE raw_events; --',
    '" OR 1=1 UNION SELECT * FROM users --',
  ];
  const FLOW_FILTERS = [
    'cluster',
    'namespace',
    'workload',
    'pod',
    'ip',
    'port',
    'protocol',
    'verdict',
    'direction',
    'reason',
    'policy',
    'source',
  ];
  const AUDIT_FILTERS = ['actor', 'action', 'outcome', 'from', 'to', 'before', 'limit'];

  it('never widens a result, never errors, and leaves the tables intact', async () => {
    const developer = await testSession(t.services.auth, 'developer', ['shop']);
    const reader = await testToken(t.services.auth, 'read');
    const w = `from=${T0 - 3_600_000}&to=${T0 + 60_000}`;
    const statuses = new Set<number>();
    for (const inj of INJECTIONS) {
      const v = encodeURIComponent(inj);
      for (const f of FLOW_FILTERS) {
        for (const [url, headers] of [
          [`/api/v1/flows?${f}=${v}`, reader],
          [`/api/v1/dashboard/flows?${w}&${f}=${v}`, developer.headers],
          [`/api/v1/dashboard/overview?${w}&${f}=${v}`, developer.headers],
        ] as const) {
          const r = await app.inject({ url, headers });
          statuses.add(r.statusCode);
          expect(r.statusCode, `${url}`).toBeLessThan(500);
          if (r.statusCode === 200 && url.includes('flows?'))
            expect((r.json() as { flows: unknown[] }).flows, url).toEqual([]);
        }
      }
      for (const f of AUDIT_FILTERS) {
        const r = await app.inject({ url: `/api/v1/audit?${f}=${v}`, headers: admin.headers });
        expect(r.statusCode, f).toBeLessThan(500);
        if (r.statusCode === 200) expect((r.json() as { entries: unknown[] }).entries).toEqual([]);
      }
    }
    // Typed filters refuse the strings outright.
    expect(statuses.has(400)).toBe(true);
    const db = (t.services.store as SqliteFlowStore).db;
    expect((db.prepare('SELECT count(*) AS n FROM flow_events').get() as { n: number }).n).toBe(2);
    expect((await t.services.auth.users.list()).length).toBeGreaterThan(0);
  });
});

describe('static files', () => {
  it('refuses path traversal', async () => {
    for (const url of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/../../secret.txt',
      '/%252e%252e/secret.txt',
    ]) {
      const r = await app.inject({ url, headers: { accept: '*/*' } });
      expect(r.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, url).toBeLessThan(500);
      expect(r.body).not.toContain('do not serve');
    }
  });
});

describe('headers', () => {
  it('does not reflect CR/LF from inputs into response headers', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: json,
      payload: JSON.stringify({ username: 'x\r\nSet-Cookie: pwned=1', password: 'y' }),
    });
    expect(r.statusCode).toBe(401);
    expect(JSON.stringify(r.headers)).not.toContain('pwned');
  });

  it('rejects a raw request whose header carries a bare CR or LF (400 from the parser)', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address() as { port: number };
    const reply = await new Promise<string>((resolve) => {
      const s = connect(addr.port, '127.0.0.1', () => {
        s.write('GET /api/v1/auth/me HTTP/1.1\r\nHost: x\r\nX-Evil: a\rSet-Cookie: b=c\r\n\r\n');
      });
      let out = '';
      s.on('data', (d) => (out += d.toString()));
      s.on('close', () => resolve(out));
      s.on('error', () => resolve(out));
      setTimeout(() => s.destroy(), 1000);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect(reply).not.toContain('b=c');
  });

  it('refuses a bearer header that is not one token', async () => {
    for (const authorization of [
      'Bearer a b',
      'Bearer',
      'Basic YWRtaW46YWRtaW4=',
      'Bearer nsr_x\u0000',
    ]) {
      const r = await app.inject({ url: '/api/v1/flows', headers: { authorization } });
      expect(r.statusCode).toBe(401);
    }
  });
});

describe('session cookies', () => {
  it('refuses forged cookies', async () => {
    logs.length = 0;
    for (const value of ['forged', 'x'.repeat(43), admin.cookie.split('=')[1] + 'x', '']) {
      const r = await app.inject({
        url: '/api/v1/auth/me',
        headers: { cookie: `netsec_session=${value}` },
      });
      expect(r.statusCode).toBe(401);
    }
    expect(logged(401)).toBe(true);
  });

  it('refuses expired sessions (idle and absolute)', async () => {
    const db = (t.services.store as SqliteFlowStore).db;
    const idle = await testSession(t.services.auth, 'auditor');
    const absolute = await testSession(t.services.auth, 'auditor');
    expect(
      (await app.inject({ url: '/api/v1/auth/me', headers: { cookie: idle.cookie } })).statusCode,
    ).toBe(200);
    const idHash = (c: string): string =>
      (
        db.prepare('SELECT id_hash FROM sessions ORDER BY created_at DESC').all() as {
          id_hash: string;
        }[]
      )
        .map((r) => r.id_hash)
        .find((h) => h === sha(c)) as string;
    db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(
      Date.now() - 31 * 60_000,
      idHash(idle.cookie),
    );
    db.prepare('UPDATE sessions SET expires_at = ? WHERE id_hash = ?').run(
      Date.now() - 1,
      idHash(absolute.cookie),
    );
    for (const s of [idle, absolute]) {
      const r = await app.inject({ url: '/api/v1/dashboard/meta', headers: { cookie: s.cookie } });
      expect(r.statusCode).toBe(401);
    }
  });

  it('refuses a session cookie replayed after logout', async () => {
    const s = await testSession(t.services.auth, 'security');
    const out = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: s.headers,
    });
    expect(out.statusCode).toBe(200);
    const again = await app.inject({ url: '/api/v1/auth/me', headers: { cookie: s.cookie } });
    expect(again.statusCode).toBe(401);
  });
});

describe('cross-site requests', () => {
  it('refuses state changes made with a cookie but without the CSRF token', async () => {
    logs.length = 0;
    const body = JSON.stringify({ name: 'x', kind: 'read' });
    const noToken = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { ...json, cookie: admin.cookie, origin: 'https://evil.example' },
      payload: body,
    });
    expect(noToken.statusCode).toBe(403);
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { ...json, cookie: admin.cookie, 'x-csrf-token': 'guess' },
      payload: body,
    });
    expect(wrong.statusCode).toBe(403);
    const logout = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: admin.cookie },
    });
    expect(logout.statusCode).toBe(403);
    expect(logged(403)).toBe(true);
    // With the token it works, so the refusals above were the CSRF check.
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { ...json, ...admin.headers },
      payload: body,
    });
    expect(ok.statusCode).toBe(201);
  });
});

describe('login brute force', () => {
  it('locks the account after repeated failures, even for the right password, and audits it', async () => {
    await t.services.auth.users.add(
      { username: 'victim', password: 'Correct-horse-battery', role: 'auditor' },
      'test',
    );
    const attempt = (password: string) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { ...json, 'x-forwarded-for': '198.51.100.7' },
        payload: JSON.stringify({ username: 'victim', password }),
      });
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}`)).statusCode).toBe(401);
    expect((await attempt('Correct-horse-battery')).statusCode).toBe(429);
    const entries = await t.services.auth.audit.query({ actor: 'victim', action: 'login' });
    expect(entries.filter((e) => e.outcome === 'failed')).toHaveLength(5);
    expect(entries.some((e) => e.outcome === 'denied')).toBe(true);
  });

  it('rate-limits login requests per client', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: json,
        payload: JSON.stringify({ username: `nobody-${i}`, password: 'x' }),
      });
      codes.push(r.statusCode);
    }
    expect(codes).toContain(429);
    expect(codes.every((c) => c === 401 || c === 429 || c === 400)).toBe(true);
  });
});

import { createHash } from 'node:crypto';
function sha(cookie: string): string {
  return createHash('sha256')
    .update(cookie.split('=')[1] ?? '', 'utf8')
    .digest('hex');
}
