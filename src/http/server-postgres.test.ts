/**
 * `netsec serve --store postgres://…` end to end against a throwaway PostgreSQL: the first
 * admin, sign-in, an ingest token, ingest, dashboard reads, detection writing findings, and the
 * audit chain verified over HTTP.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { type Config, CONFIG_DEFAULTS } from '../api/config-schema.js';
import { toNativeLine } from '../api/flow-schema.js';
import { verifyAuditPostgres } from '../services/audit/verify-file.js';
import { findingStoreFor } from '../services/detection-store.js';
import { makeFlow } from '../testing/flow-factory.js';
import { describePostgres } from '../testing/postgres-server.js';
import { type RunningServer, startServer } from './server.js';

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

/**
 * A time inside the detection window: runs look at the window ending at the last closed
 * 15-minute step of the allowed-traffic detectors, so data newer than that step waits.
 */
export function scanTime(now: number = Date.now()): number {
  const step = 15 * 60_000;
  return now - (now % step) - 20 * 60_000;
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

        const at = scanTime();
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

        // Detection runs a few seconds after the commit (debounced) and writes to PostgreSQL; on
        // a loaded machine a run still busy at that moment leaves it to the 60 s interval.
        const findings = findingStoreFor(s.services.store);
        let found: Awaited<ReturnType<typeof findings.listFindings>> = [];
        for (let i = 0; i < 150 && found.length === 0; i++) {
          await new Promise((r) => setTimeout(r, 500));
          found = await findings.listFindings({ type: ['port-scan'] });
        }
        expect(found[0]).toMatchObject({ type: 'port-scan', subject: { namespace: 'shop' } });

        // Every feature reads its PostgreSQL tables: findings, reviews, incidents, compliance,
        // reports, source health and the policy-change journal all answer.
        const found0 = found[0]?.id ?? 'none';
        for (const path of [
          '/api/v1/findings',
          `/api/v1/findings/${found0}`,
          '/api/v1/reviews',
          '/api/v1/reviews/current?cluster=prod-eu1',
          '/api/v1/incidents',
          '/api/v1/compliance',
          '/api/v1/reports',
          '/api/v1/sources',
          '/api/v1/policy-changes',
        ]) {
          const r = await fetch(`${s.url}${path}`, { headers: session });
          expect({ path, status: r.status }).toEqual({ path, status: 200 });
        }

        const verify = await fetch(`${s.url}/api/v1/audit/verify`, { headers: session });
        const v = (await verify.json()) as { ok: boolean; entries: number };
        expect(v.ok).toBe(true);
        // Admin bootstrap, sign-in and token creation at least.
        expect(v.entries).toBeGreaterThanOrEqual(3);
        const audit = await fetch(`${s.url}/api/v1/audit?limit=50`, { headers: session });
        expect(JSON.stringify(await audit.json())).toContain('token.create');

        // `netsec audit verify --store postgres://…` reads the same chain, and catches an edit
        // made around the append-only triggers (a superuser disabling them).
        expect(await verifyAuditPostgres(url)).toMatchObject({ ok: true, entries: v.entries });
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        try {
          await admin.query('ALTER TABLE audit_log DISABLE TRIGGER USER');
          await admin.query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2");
        } finally {
          await admin.end();
        }
        expect(await verifyAuditPostgres(url)).toMatchObject({
          ok: false,
          firstBad: { seq: 2, reason: 'contents do not match the hash' },
        });
      } finally {
        await s.close();
        await server().dropDatabase(url);
      }
    }, 120_000);
  });

  describe('two replicas on one database', () => {
    const leaderOf = (s: RunningServer, job: string): boolean =>
      s.jobLeadership()?.isLeader(job) === true;
    const waitUntil = async (what: string, check: () => boolean, ms: number): Promise<void> => {
      const until = Date.now() + ms;
      while (!check()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };

    it('runs detection, alerting and retention on one replica; the other takes over when it stops', async () => {
      const url = await server().createDatabase();
      const config = postgresServeConfig(url);
      const opts = { handleSignals: false, announceAdmin: false, jobCheckMs: 300 };
      const a = await startServer(config, opts);
      let b: RunningServer | null = null;
      try {
        await waitUntil('the first replica to lead', () => leaderOf(a, 'detection'), 5_000);
        b = await startServer(config, opts);
        const second = b;
        // Several checks later the second replica still leads nothing.
        await new Promise((r) => setTimeout(r, 1_200));
        expect(a.jobLeadership()?.status()).toEqual({
          detection: true,
          alerting: true,
          retention: true,
        });
        expect(second.jobLeadership()?.status()).toEqual({
          detection: false,
          alerting: false,
          retention: false,
        });
        expect(await a.services.metrics.render()).toMatch(/netsec_job_leader\{job="detection"\} 1/);
        expect(await second.services.metrics.render()).toMatch(
          /netsec_job_leader\{job="detection"\} 0/,
        );

        // Data ingested through the follower.
        const { token } = await second.services.tokens.create('c', null);
        const r = await fetch(`${second.url}/api/v1/ingest?format=native`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
          body: `${portScanLines(scanTime())}\n`,
        });
        expect(r.status).toBe(200);

        // The leader's detection reads the shared tables (its runs follow its own commits and
        // its interval, so the test asks for one); the follower's detection never runs.
        const ran = (x: RunningServer): boolean =>
          (x.monitoring()?.scheduler?.lastRunTo ?? -Infinity) > -Infinity;
        await waitUntil('the leader to run detection', () => ran(a), 20_000);
        while ((await a.monitoring()?.scheduler?.runNow()) === null)
          await new Promise((res) => setTimeout(res, 100));
        const findings = findingStoreFor(second.services.store);
        expect((await findings.listFindings({ type: ['port-scan'] })).length).toBeGreaterThan(0);
        expect(ran(second)).toBe(false);

        const stoppedAt = Date.now();
        await a.close();
        await waitUntil(
          'the second replica to take over',
          () => ['detection', 'alerting', 'retention'].every((j) => leaderOf(second, j)),
          5_000,
        );
        expect(Date.now() - stoppedAt).toBeLessThan(5_000);
        // The new leader catches up at once instead of waiting for its next interval.
        await waitUntil('the new leader to run detection', () => ran(second), 20_000);
      } finally {
        await a.close();
        await b?.close();
        await server().dropDatabase(url);
      }
    }, 90_000);
  });
});
