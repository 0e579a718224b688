/**
 * Transport and headers: HTTPS with a configured certificate (and then `Secure` cookies and
 * HSTS), the Content-Security-Policy without inline script, and body limits on every route.
 */
import { execFileSync } from 'node:child_process';
import { request } from 'node:https';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildTestApp, type TestApp } from '../testing/auth-app.js';
import { testSession, testToken } from '../testing/auth-session.js';

let plain: TestApp;
let tls: TestApp | null = null;
let tlsUrl = '';

function httpsGet(
  url: string,
  init: { method?: string; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: init.method ?? 'GET',
        rejectUnauthorized: false,
        headers: init.body ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

beforeAll(async () => {
  plain = await buildTestApp();
  const dir = plain.dir;
  const cert = join(dir, 'tls.crt');
  const key = join(dir, 'tls.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  tls = await buildTestApp({
    tune: (c) => {
      c.server.tlsCert = cert;
      c.server.tlsKey = key;
    },
  });
  await tls.services.auth.users.add(
    { username: 'ops', password: 'Correct-horse-battery', role: 'security' },
    't',
  );
  tlsUrl = await tls.app.listen({ port: 0, host: '127.0.0.1' });
}, 30_000);

afterAll(async () => {
  await plain.close();
  await tls?.close();
});

describe('transport and headers', () => {
  it('speaks HTTPS with a configured certificate, with HSTS and Secure cookies', async () => {
    expect(tlsUrl).toMatch(/^https:/);
    const health = await httpsGet(`${tlsUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const login = await httpsGet(`${tlsUrl}/api/v1/auth/login`, {
      method: 'POST',
      body: JSON.stringify({ username: 'ops', password: 'Correct-horse-battery' }),
    });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });

  it('refuses a certificate without a key', async () => {
    await expect(
      buildTestApp({ tune: (c) => void (c.server.tlsCert = '/nonexistent.crt') }),
    ).rejects.toThrow(/tlsCert and server.tlsKey/);
  });

  it('sends a CSP without inline script on every answer, the UI shell included', async () => {
    for (const url of ['/healthz', '/index.html', '/some/page', '/api/v1/flows']) {
      const r = await plain.app.inject({ url, headers: { accept: 'text/html' } });
      const csp = String(r.headers['content-security-policy']);
      const script = /script-src ([^;]*)/.exec(csp)?.[1] ?? '';
      expect(script, url).toBe("'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(
      (await plain.app.inject('/healthz')).headers['strict-transport-security'],
    ).toBeUndefined();
  });

  it('lets no cache keep an API answer, and says how old a cached dashboard answer is', async () => {
    const admin = await testSession(plain.services.auth, 'admin');
    const to = Date.now();
    const url = `/api/v1/dashboard/overview?from=${to - 3_600_000}&to=${to}`;
    const first = await plain.app.inject({ url, headers: { cookie: admin.cookie } });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.headers.age).toMatch(/^\d+$/);
    for (const u of ['/api/v1/flows', '/api/v1/nope', '/api/v1/auth/me']) {
      const r = await plain.app.inject({ url: u, headers: { cookie: admin.cookie } });
      expect(r.headers['cache-control'], u).toBe('no-store');
    }
    // The UI shell and health checks are not API answers.
    expect((await plain.app.inject('/healthz')).headers['cache-control']).toBeUndefined();
    const shell = await plain.app.inject({ url: '/some/page', headers: { accept: 'text/html' } });
    expect(shell.headers['cache-control']).toBe('no-cache');
  });

  it('has a body limit on every route that takes a body', async () => {
    const big = JSON.stringify({ x: 'y'.repeat(300 * 1024) });
    const withBody = plain.routes.filter((r) =>
      ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method),
    );
    expect(withBody.length).toBeGreaterThan(5);
    const admin = await testSession(plain.services.auth, 'admin');
    const ingest = await testToken(plain.services.auth, 'ingest');
    for (const r of withBody) {
      const res = await plain.app.inject({
        method: r.method as 'POST',
        url:
          r.url.replace(':username', 'x').replace(':id', 'x') +
          (r.url.endsWith('/ingest') ? '?format=hubble' : ''),
        headers: {
          'content-type': r.url.endsWith('/ingest') ? 'application/x-ndjson' : 'application/json',
          ...(r.url.endsWith('/ingest') ? ingest : admin.headers),
        },
        payload: big,
      });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(413);
    }
  });
});
