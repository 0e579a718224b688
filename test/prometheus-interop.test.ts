/**
 * Prometheus and Grafana interop against the REAL binaries (Debian's prometheus 2.42 and
 * promtool): the rules file passes `promtool check rules`, and a real Prometheus scrapes our
 * server (started in-process with startServer on a SQLite store holding some flows) with a
 * metrics token, after which every query of the Grafana dashboard returns data.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { CONFIG_DEFAULTS } from '../src/api/config-schema.js';
import type { Flow } from '../src/domain/flow.js';
import { type RunningServer, startServer } from '../src/http/server.js';
import { findingStoreFor } from '../src/services/detection-store.js';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { makeFinding } from '../src/testing/alerting-fixtures.js';
import {
  allowPolicy,
  externalEndpoint,
  makeAllowedFlow,
  makeFlow,
} from '../src/testing/flow-factory.js';
import {
  PROMETHEUS_BIN,
  type PrometheusServer,
  PROMTOOL_BIN,
  startPrometheus,
} from '../src/testing/prometheus-server.js';
import { describeWithBinaries, waitFor } from '../src/testing/real-binary.js';

const ROOT = resolve(import.meta.dirname, '..');
const RULES = join(ROOT, 'deploy/prometheus/rules.yaml');
const DASHBOARD = join(ROOT, 'deploy/grafana/network-security.json');
const M = 60_000;

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** Every PromQL query of the dashboard: panel targets, and the variables' label_values. */
function dashboardQueries(): { where: string; expr: string }[] {
  const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Panel[];
    templating: { list: { name: string; type: string; query: unknown }[] };
  };
  const out: { where: string; expr: string }[] = [];
  const walk = (panels: Panel[]): void => {
    for (const p of panels) {
      for (const t of p.targets ?? [])
        if (t.expr) out.push({ where: `panel ${p.title}`, expr: t.expr });
      walk(p.panels ?? []);
    }
  };
  walk(dash.panels);
  for (const v of dash.templating.list) {
    if (v.type !== 'query') continue;
    const q = typeof v.query === 'string' ? v.query : (v.query as { query: string }).query;
    const m = /^label_values\((.+),\s*(\w+)\)$/.exec(q);
    if (!m) throw new Error(`variable ${v.name}: unexpected query ${q}`);
    // Grafana runs label_values as a series lookup; this asks the same of the query API.
    out.push({ where: `variable ${v.name}`, expr: `count by (${m[2]}) (${m[1]})` });
  }
  return out;
}

/** What Grafana substitutes: a multi-select of two namespaces, one cluster, the rate window. */
function substitute(expr: string): string {
  return expr
    .replaceAll('$cluster', 'prod-eu1')
    .replaceAll('$namespace', '(shop|payments)')
    .replaceAll('$__rate_interval', '1m');
}

function sampleFlows(now: number): Flow[] {
  const flows: Flow[] = [];
  for (let i = 5; i >= 1; i--) {
    const time = now - i * M;
    flows.push(
      makeAllowedFlow({ time }),
      makeAllowedFlow({
        time,
        direction: 'egress',
        policies: [allowPolicy('shop', 'allow-egress')],
      }),
      makeFlow({ time, packets: 4, bytes: 240, source: 'goldmane' }),
      makeFlow({
        time,
        direction: 'egress',
        dst: externalEndpoint('203.0.113.7'),
        packets: 2,
        bytes: 120,
        source: 'goldmane',
      }),
    );
  }
  return flows;
}

it('promtool accepts deploy/prometheus/rules.yaml', () => {
  if (spawnSync(PROMTOOL_BIN, ['--version']).error) {
    if (process.env.CI === 'true') throw new Error(`CI=true but ${PROMTOOL_BIN} is missing`);
    return; // skipped: promtool not installed (Debian package prometheus)
  }
  const r = spawnSync(PROMTOOL_BIN, ['check', 'rules', RULES], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.stdout).toContain('SUCCESS: 16 rules found');
  expect(r.status).toBe(0);
});

describeWithBinaries('a real Prometheus scrapes the server', [PROMETHEUS_BIN], () => {
  let dir: string;
  let server: RunningServer;
  let prom: PrometheusServer;
  let metricsToken: string;
  let readToken: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netsec-prom-interop-'));
    const now = Date.now();
    // Data first, so the first refresh of the traffic counters already sees it.
    const seed = openSqliteStore({ path: join(dir, 'netsec.db') });
    await seed.migrate();
    await seed.writeBatch({
      id: 'b1',
      flows: sampleFlows(now),
      source: 'goldmane',
      receivedAt: now,
    });
    await findingStoreFor(seed).upsertFindings([makeFinding({ start: now - 10 * M, end: now })]);
    await seed.close();

    const config = structuredClone(CONFIG_DEFAULTS);
    config.store.path = join(dir, 'netsec.db');
    config.server.port = 0;
    config.log.level = 'silent';
    config.admin.password = 'Interop-Test-Password-42';
    // A receiver nobody listens on: delivery failures show up on /metrics.
    config.alerting = {
      receivers: { webhooks: [{ url: 'http://127.0.0.1:9/hook', format: 'json' }] },
      groupWait: 0,
    };
    server = await startServer(config, { handleSignals: false });
    metricsToken = (await server.services.tokens.create('prometheus', null, { kind: 'metrics' }))
      .token;
    readToken = (await server.services.tokens.create('reader', null, { kind: 'read' })).token;
    prom = await startPrometheus({
      target: new URL(server.url).host,
      bearerToken: metricsToken,
      scrapeInterval: '1s',
      ruleFiles: [RULES],
    });
    // A few scrapes, so rate() and increase() have two samples or more in their window.
    await waitFor(
      'three scrapes of the traffic counters',
      async () => {
        const r = await prom.query('min(count_over_time(netsec_traffic_flows_total[1m]))');
        return Number(r[0]?.value[1] ?? 0) >= 3;
      },
      30_000,
    );
  }, 90_000);

  afterAll(async () => {
    await prom?.stop();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('needs the metrics token on /metrics, and Prometheus has it', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const up = await prom.query('up{job="netsec"}');
    expect(up[0]?.value[1]).toBe('1');
  });

  it('returns data for every query of the Grafana dashboard', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(11);
    const empty: string[] = [];
    for (const q of queries) {
      const result = await prom.query(substitute(q.expr));
      if (result.length === 0) empty.push(`${q.where}: ${substitute(q.expr)}`);
    }
    expect(empty).toEqual([]);
  });

  it('exposes the audited traffic with the documented labels, counted once', async () => {
    const r = await prom.query(
      'sum(netsec_traffic_packets_total{verdict="denied", direction="ingress", namespace="payments", workload="api"})',
    );
    expect(Number(r[0]?.value[1])).toBe(20); // 5 minutes x 4 packets
    const peers = await prom.query('netsec_traffic_denied_peer_flows_total{direction="egress"}');
    expect(peers.map((s) => s.metric['peer'])).toEqual(['world']);
  });

  it('shows delivery failures on /metrics and in GET /api/v1/alerts/status', async () => {
    await waitFor(
      'a failed delivery',
      async () => (await prom.query('netsec_alert_delivery_failures_total > 0')).length > 0,
      20_000,
    );
    const res = await fetch(`${server.url}/api/v1/alerts/status`, {
      headers: { authorization: `Bearer ${readToken}` },
    });
    expect(res.status).toBe(200);
    const status = (await res.json()) as {
      alerts: { firing: number };
      receivers: { receiver: string; host: string; failures: number; lastError: string }[];
    };
    expect(status.alerts.firing).toBeGreaterThanOrEqual(1);
    expect(status.receivers[0]).toMatchObject({ receiver: 'webhook-0', host: '127.0.0.1:9' });
    expect(status.receivers[0]?.failures).toBeGreaterThan(0);
    expect(status.receivers[0]?.lastError).not.toContain('/hook');
    const unauthenticated = await fetch(`${server.url}/api/v1/alerts/status`);
    expect(unauthenticated.status).toBe(401);
  });

  it('loads the rules file into Prometheus without errors', async () => {
    const res = await fetch(`${prom.url}/api/v1/rules`);
    const body = (await res.json()) as {
      data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
    };
    const rules = body.data.groups.flatMap((g) => g.rules);
    expect(rules).toHaveLength(16);
    await waitFor(
      'the finding rule to fire in Prometheus',
      async () => (await prom.query('ALERTS{alertname="FindingPortScan"}')).length > 0,
      20_000,
    );
  });
});
