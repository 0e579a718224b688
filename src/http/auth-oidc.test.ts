/**
 * Single sign-on against a real OpenID provider (oidc-provider, started on a loopback port):
 * the full authorization-code flow with PKCE through the app's own routes, and the group
 * claim mapped to roles and namespaces.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildTestApp, type TestApp } from '../testing/auth-app.js';

const GROUPS: Record<string, string[]> = {
  alice: ['netsec-admins', 'everyone'],
  bob: ['team-shop', 'everyone'],
  carol: ['everyone'],
};

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A minimal cookie jar: the provider keeps its interaction state in cookies. */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = (pair ?? '').indexOf('=');
      if (i > 0) this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

let provider: Server;
let t: TestApp;
let appUrl: string;
let issuer: string;

beforeAll(async () => {
  const opPort = await freePort();
  const appPort = await freePort();
  issuer = `http://127.0.0.1:${opPort}`;
  appUrl = `http://127.0.0.1:${appPort}`;
  const redirect = `${appUrl}/api/v1/auth/oidc/callback`;
  const op = new Provider(issuer, {
    clients: [
      {
        client_id: 'netsec',
        client_secret: 'a-client-secret-for-tests',
        redirect_uris: [redirect],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => ({ sub: id, preferred_username: id, groups: GROUPS[id] ?? [] }),
    }),
    claims: { openid: ['sub'], profile: ['preferred_username'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'groups'],
    conformIdTokenClaims: false,
    pkce: { methods: ['S256'], required: () => true },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: ['cookie-key-for-tests'] },
  });
  provider = op.listen(opPort, '127.0.0.1') as Server;
  t = await buildTestApp({
    tune: (c) => {
      c.auth = {
        oidc: {
          issuer,
          clientId: 'netsec',
          clientSecret: 'a-client-secret-for-tests',
          redirectUri: redirect,
          groups: [
            { group: 'netsec-admins', role: 'admin' },
            { group: 'team-shop', role: 'developer', namespaces: ['shop'] },
          ],
        },
      };
    },
  });
  await t.app.listen({ port: appPort, host: '127.0.0.1' });
}, 30_000);

afterAll(async () => {
  await t.close();
  await new Promise((r) => provider.close(r));
});

/** Drives a browser's part of the flow; returns the app's callback response. */
async function signIn(user: string): Promise<Response> {
  const jar = new Jar();
  const get = async (url: string): Promise<Response> => {
    const r = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(r);
    return r;
  };
  const start = await get(`${appUrl}/api/v1/auth/oidc/login`);
  expect(start.status).toBe(302);
  const authUrl = new URL(start.headers.get('location') ?? '');
  expect(authUrl.origin).toBe(issuer);
  expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authUrl.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
  let next = authUrl.toString();
  for (let step = 0; step < 10; step++) {
    const r = await get(next);
    const location = r.headers.get('location');
    if (!location) throw new Error(`stuck at ${next}: ${r.status} ${await r.text()}`);
    const url = new URL(location, next);
    if (url.origin === appUrl) return fetch(url, { redirect: 'manual' });
    if (url.pathname.startsWith('/interaction/')) {
      const page = await get(url.toString());
      const html = await page.text();
      const prompt = html.includes('name="login"') ? 'login' : 'consent';
      const body = new URLSearchParams(
        prompt === 'login' ? { prompt, login: user, password: 'any' } : { prompt },
      );
      const posted = await fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      jar.take(posted);
      next = new URL(posted.headers.get('location') ?? '', url).toString();
      continue;
    }
    next = url.toString();
  }
  throw new Error('the flow did not reach the callback');
}

async function me(callback: Response): Promise<Record<string, unknown>> {
  const cookie = (callback.headers.getSetCookie()[0] ?? '').split(';')[0] ?? '';
  const r = await fetch(`${appUrl}/api/v1/auth/me`, { headers: { cookie } });
  expect(r.status).toBe(200);
  return ((await r.json()) as { user: Record<string, unknown> }).user;
}

describe('OIDC sign-in against a real provider', () => {
  it('tells the sign-in form that single sign-on is available', async () => {
    const r = await fetch(`${appUrl}/api/v1/auth/methods`);
    expect(await r.json()).toEqual({ password: true, oidc: true });
  });

  it('signs in an admin by group (authorization code + PKCE)', async () => {
    const cb = await signIn('alice');
    expect(cb.status).toBe(302);
    expect(cb.headers.get('location')).toBe('/');
    const set = cb.headers.getSetCookie()[0] ?? '';
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Strict/i);
    expect(await me(cb)).toMatchObject({ username: 'alice', role: 'admin', source: 'oidc' });
  }, 30_000);

  it('maps a team group to a developer scoped to its namespaces', async () => {
    const cb = await signIn('bob');
    expect(await me(cb)).toMatchObject({
      username: 'bob',
      role: 'developer',
      namespaces: ['shop'],
    });
  }, 30_000);

  it('refuses a user in no mapped group and audits it', async () => {
    const cb = await signIn('carol');
    expect(cb.status).toBe(401);
    expect(cb.headers.getSetCookie()).toEqual([]);
    const failed = await t.services.auth.audit.query({ action: 'login', outcome: 'failed' });
    expect(failed.some((e) => e.actor === 'carol')).toBe(true);
  }, 30_000);

  it('refuses a replayed or forged callback', async () => {
    const r = await fetch(`${appUrl}/api/v1/auth/oidc/callback?code=forged&state=forged`, {
      redirect: 'manual',
    });
    expect(r.status).toBe(401);
  });
});
