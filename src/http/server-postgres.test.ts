/**
 * `netsec serve --store postgres://…` end to end against a throwaway PostgreSQL: the first
 * admin, sign-in, an ingest token, ingest, dashboard reads, detection writing findings, and the
 * audit chain verified over HTTP.
 */
import { describe, expect, it } from 'vitest';

import { type Config,CONFIG_DEFAULTS } from '../api/config-schema.js';
import { toNativeLine } from '../api/flow-schema.js';
import { findingStoreFor } from '../services/detection-store.js';
import { makeFlow } from '../testing/flow-factory.js';
import { describePostgres } from '../testing/postgres-server.js';
import { startServer } from './server.js';

export function postgresServeConfig(url: string): Config {
  const config = structuredClone(CONFIG_DEFAULTS);
  config.store.url = url;
  config.server.port = 0;
  config.log.level = 'silent';
  config.admin.password = 'correct horse battery staple 42';
  return config;
}

/** Signs in over HTTP and returns the headers of the session. */
export async function signIn(
  url: string,
  password: string,
): Promise<{ cookie: string; 'x-csrf-token': string }> {
  const r = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  expect(r.status).toBe(200);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const body = (await r.json()) as { csrfToken: string };
  return { cookie, 'x-csrf-token': body.csrfToken };
}

/** Denied TCP attempts from shop/frontend to 20 ports of payments/api: a port scan. */
export function portScanLines(at: number): string {
  return Array.from({ length: 20 }, (_, i) =>
    toNativeLine(makeFlow({ time: at + i * 1000, port: 1000 + i })),
  ).join('\n');
}

describePostgres('netsec serve on PostgreSQL (throwaway PostgreSQL 15)', (server) => {
  describe('one server', () => {
    it('creates the first admin, signs in, ingests with a token, reads, detects and verifies the audit log', async () => {
      const url = await server().createDatabase();
      const config = postgresServeConfig(url);
      const s = await startServer(config, { handleSignals: false, announceAdmin: false });
      try {
        expect(s.admin.created).toBe(true);
        const session = await signIn(s.url, config.admin.password as string);
        const me = await fetch(`${s.url}/api/v1/auth/me`, { headers: session });
        expect(await me.json()).toMatchObject({ user: { username: 'admin', role: 'admin' } });

        const t = await fetch(`${s.url}/api/v1/tokens`, {
          method: 'POST',
          headers: { ...session, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'collector', kind: 'ingest' }),
        });
        expect(t.status).toBeLessThan(300);
        const { token } = (await t.json()) as { token: string };

        const at = Date.now() - 10 * 60_000;
        const ingest = await fetch(`${s.url}/api/v1/ingest?format=native`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
          body: `${portScanLines(at)}\n`,
        });
        expect(ingest.status).toBe(200);

        const q = `from=${at - 60_000}&to=${Date.now() + 60_000}`;
        const overview = await fetch(`${s.url}/api/v1/dashboard/overview?${q}`, {
          headers: session,
        });
        expect(overview.status).toBe(200);
        expect(JSON.stringify(await overview.json())).toContain('"denied"');

        // Detection runs a few seconds after the commit (debounced) and writes to PostgreSQL.
        const findings = findingStoreFor(s.services.store);
        let found: Awaited<ReturnType<typeof findings.listFindings>> = [];
        for (let i = 0; i < 60 && found.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 500));
          found = await findings.listFindings({ type: ['port-scan'] });
        }
        expect(found[0]).toMatchObject({ type: 'port-scan', subject: { namespace: 'shop' } });

        const verify = await fetch(`${s.url}/api/v1/audit/verify`, { headers: session });
        const v = (await verify.json()) as { ok: boolean; entries: number };
        expect(v.ok).toBe(true);
        // Admin bootstrap, sign-in and token creation at least.
        expect(v.entries).toBeGreaterThanOrEqual(3);
        const audit = await fetch(`${s.url}/api/v1/audit?limit=50`, { headers: session });
        expect(JSON.stringify(await audit.json())).toContain('token.create');
      } finally {
        await s.close();
        await server().dropDatabase(url);
      }
    }, 60_000);
  });
});
