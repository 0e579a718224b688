/**
 * Alerts reach a REAL Prometheus Alertmanager (Debian's 0.25) and resolve there: the alerting
 * service posts to its v2 API, and its own `GET /api/v2/alerts` is the judge. Rule evaluation
 * runs on an injected clock; Alertmanager runs on real time, so the injected times stay close to
 * the real ones.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { CONFIG_DEFAULTS } from '../src/api/config-schema.js';
import { resolveAlerting } from '../src/services/alerting/alerting-config.js';
import { AlertingService } from '../src/services/alerting/alerting-service.js';
import { makeFinding, openTestStores, type TestStores } from '../src/testing/alerting-fixtures.js';
import {
  ALERTMANAGER_BIN,
  type AlertmanagerServer,
  startAlertmanager,
} from '../src/testing/alertmanager-server.js';
import { makeFlow } from '../src/testing/flow-factory.js';
import { describeWithBinaries } from '../src/testing/real-binary.js';

const M = 60_000;

describeWithBinaries('alerts delivered to a real Alertmanager', [ALERTMANAGER_BIN], () => {
  let am: AlertmanagerServer;
  let stores: TestStores;
  let alerting: AlertingService;
  const t0 = Math.floor(Date.now() / M) * M;

  beforeAll(async () => {
    am = await startAlertmanager();
    stores = await openTestStores();
    // Denied traffic into payments/api during the ten minutes before t0, with packet counts.
    const flows = Array.from({ length: 8 }, (_, i) =>
      makeFlow({ time: t0 - 10 * M + i * M, packets: 3, source: 'goldmane' }),
    );
    await stores.store.writeBatch({ id: 'drops', flows, source: 'goldmane', receivedAt: t0 });
    await stores.findings.upsertFindings([makeFinding({ start: t0 - 20 * M, end: t0 - 2 * M })]);
    const config = structuredClone(CONFIG_DEFAULTS);
    config.alerting = {
      receivers: { alertmanager: { url: am.url, resendInterval: M } },
      externalUrl: 'https://netsec.example.test/',
      runbookUrl: 'https://docs.example.test/runbooks.md',
    };
    alerting = new AlertingService(
      { store: stores.store, findings: stores.findings, registry: new Registry(), now: () => t0 },
      resolveAlerting(config),
    );
  });

  afterAll(async () => {
    await alerting?.stop();
    await am?.stop();
    await stores?.close();
  });

  it('shows a firing finding alert with its labels, annotations and link', async () => {
    await alerting.evaluate(t0);
    await alerting.flush(t0);
    const alerts = await am.alerts();
    const scan = alerts.find((a) => a.labels['alertname'] === 'FindingPortScan');
    expect(scan).toBeDefined();
    expect(scan?.labels).toMatchObject({
      severity: 'critical',
      cluster: 'prod-eu1',
      namespace: 'shop',
      workload: 'frontend',
      finding_id: 'f-port-scan-1',
    });
    expect(scan?.annotations['summary']).toContain('port-scan');
    expect(scan?.annotations['description']).toContain('40 distinct ports');
    expect(scan?.annotations['runbook_url']).toBe(
      'https://docs.example.test/runbooks.md#findingportscan',
    );
    expect(scan?.generatorURL).toBe('https://netsec.example.test/findings/f-port-scan-1');
    expect(scan?.status.state).toBe('active');
    expect(Date.parse(scan?.endsAt ?? '')).toBeGreaterThan(Date.now());
    // The drop rule holds, but only for 0 of its 5 minutes: pending, not sent.
    expect(alerts.some((a) => a.labels['alertname'] === 'FrequentPacketsDroppedToWorkload')).toBe(
      false,
    );
    expect(alerting.status().alerts.pending).toBeGreaterThan(0);
  });

  it('fires the drop alert once its condition held for 5 minutes, in packets', async () => {
    await alerting.evaluate(t0 + 5 * M);
    await alerting.flush(t0 + 5 * M);
    const alerts = await am.alerts();
    const drop = alerts.find((a) => a.labels['alertname'] === 'FrequentPacketsDroppedToWorkload');
    expect(drop?.labels).toMatchObject({
      severity: 'warning',
      cluster: 'prod-eu1',
      namespace: 'payments',
      workload: 'api',
    });
    expect(drop?.annotations['description']).toMatch(/^24 packets .*payments\/api/);
    expect(drop?.generatorURL).toContain('https://netsec.example.test/denied?');
    expect(Date.parse(drop?.startsAt ?? '')).toBe(t0);
    const status = alerting.status();
    expect(status.receivers[0]).toMatchObject({ receiver: 'alertmanager', failures: 0 });
    expect(status.receivers[0]?.successes).toBeGreaterThanOrEqual(2);
  });

  it('ends the finding alert in Alertmanager when the finding closes', async () => {
    await stores.findings.upsertFindings([
      makeFinding({ start: t0 - 20 * M, end: t0 - 2 * M, status: 'closed' }),
    ]);
    await alerting.evaluate(t0 + 6 * M);
    await alerting.flush(t0 + 6 * M);
    const alerts = await am.alerts();
    const scan = alerts.find((a) => a.labels['alertname'] === 'FindingPortScan');
    // Alertmanager lists only alerts that have not ended; an ended one may linger briefly.
    expect(scan === undefined || Date.parse(scan.endsAt) <= Date.now()).toBe(true);
    expect(alerts.some((a) => a.labels['alertname'] === 'FrequentPacketsDroppedToWorkload')).toBe(
      true,
    );
  });

  it('counts failed deliveries and retries with backoff when Alertmanager is gone', async () => {
    const registry = new Registry();
    const config = structuredClone(CONFIG_DEFAULTS);
    config.alerting = { receivers: { alertmanager: { url: 'http://127.0.0.1:9' } } };
    const broken = new AlertingService(
      { store: stores.store, findings: stores.findings, registry, now: () => t0 },
      resolveAlerting(config),
    );
    await stores.findings.upsertFindings([makeFinding({ id: 'f2', key: 'k2', start: t0 - M })]);
    await broken.evaluate(t0);
    await broken.flush(t0);
    await broken.flush(t0 + 500); // inside the 1 s backoff: no attempt
    await broken.flush(t0 + 1_000);
    const s = broken.status().receivers[0];
    expect(s?.failures).toBe(2);
    expect(s?.lastError).toMatch(/POST to 127\.0\.0\.1:9 failed/);
    expect(s?.nextRetryAt).toBe(t0 + 1_000 + 2_000);
    const text = await registry.metrics();
    expect(text).toContain('netsec_alert_delivery_failures_total{receiver="alertmanager"} 2');
    expect(text).toMatch(
      /netsec_alert_delivery_last_error_timestamp_seconds\{receiver="alertmanager"\} \d+/,
    );
  });
});
