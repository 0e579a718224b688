import { createServer, type Server } from 'node:http';

import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import type { AlertState } from '../../domain/detect/alert-eval.js';
import { DeliveryTracker } from './delivery-state.js';
import type { WebhookBody } from './webhook-format.js';
import { escapeSlack } from './webhook-format.js';
import { WebhookReceiver } from './webhook-receiver.js';

const T = Date.UTC(2026, 0, 5, 9, 0, 0);
const S = 1_000;
const timing = {
  groupBy: ['alertname', 'cluster', 'namespace'],
  groupWaitMs: 30 * S,
  groupIntervalMs: 300 * S,
  repeatIntervalMs: 4 * 3_600 * S,
};

function alert(workload: string, over: Partial<AlertState> = {}): AlertState {
  const labels = {
    alertname: 'FrequentPacketsDroppedToWorkload',
    severity: 'warning',
    cluster: 'prod',
    namespace: 'shop',
    workload,
  };
  return {
    fingerprint: `fp-${workload}`,
    rule: labels.alertname,
    labels,
    annotations: {
      summary: `Traffic denied to workload shop/${workload}`,
      description: `5 packets denied to shop/${workload}`,
      runbook_url: 'https://docs.example.test/runbooks.md#frequentpacketsdroppedtoworkload',
    },
    generatorURL: `https://netsec.example.test/denied?workload=${encodeURIComponent(workload)}`,
    activeSince: T,
    firingSince: T,
    lastTrueAt: T,
    resolvedAt: null,
    ...over,
  };
}

/** A local receiver that answers with the queued status codes (then 200) and keeps bodies. */
describe('webhook delivery against a local HTTP receiver', () => {
  let server: Server;
  let url = '';
  const bodies: unknown[] = [];
  let statuses: number[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString('utf8')));
      req.on('end', () => {
        bodies.push(JSON.parse(data));
        res.statusCode = statuses.shift() ?? 200;
        res.end(res.statusCode === 200 ? 'ok' : 'try later');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hooks/s3cr3t`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    bodies.length = 0;
    statuses = [];
  });

  function receiver(format: 'json' | 'slack' = 'json'): {
    r: WebhookReceiver;
    tracker: DeliveryTracker;
    registry: Registry;
  } {
    const registry = new Registry();
    const tracker = new DeliveryTracker(registry);
    const r = new WebhookReceiver(
      'ops',
      url,
      format,
      timing,
      tracker,
      'https://netsec.example.test',
    );
    return { r, tracker, registry };
  }

  it('waits groupWait, groups, de-duplicates, repeats and tells a resolution once', async () => {
    const { r } = receiver();
    r.update([alert('api'), alert('web')], T);
    await r.flush(T + 10 * S);
    expect(bodies).toHaveLength(0); // still inside group_wait
    await r.flush(T + 30 * S);
    expect(bodies).toHaveLength(1);
    const first = bodies[0] as WebhookBody;
    expect(first.status).toBe('firing');
    expect(first.alerts.map((a) => a.labels['workload']).sort()).toEqual(['api', 'web']);
    expect(first.groupLabels).toEqual({
      alertname: 'FrequentPacketsDroppedToWorkload',
      cluster: 'prod',
      namespace: 'shop',
    });
    expect(first.commonLabels['workload']).toBeUndefined();
    // Same alerts again: nothing new to say until the repeat interval.
    r.update([alert('api'), alert('web')], T + 60 * S);
    await r.flush(T + 400 * S);
    expect(bodies).toHaveLength(1);
    await r.flush(T + 30 * S + 4 * 3_600 * S);
    expect(bodies).toHaveLength(2);
    // One resolves: told after group_interval, once.
    const resolvedAt = T + 4 * 3_600 * S + 60 * S;
    r.update([alert('web', { resolvedAt })], resolvedAt);
    await r.flush(resolvedAt);
    expect(bodies).toHaveLength(2);
    await r.flush(T + 30 * S + 4 * 3_600 * S + 300 * S);
    expect(bodies).toHaveLength(3);
    const third = bodies[2] as WebhookBody;
    expect(third.alerts.find((a) => a.labels['workload'] === 'web')).toMatchObject({
      status: 'resolved',
      endsAt: new Date(resolvedAt).toISOString(),
    });
    await r.flush(T + 6 * 3_600 * S);
    expect(bodies).toHaveLength(3);
  });

  it('retries a failed post with growing backoff and records the failure', async () => {
    const { r, tracker, registry } = receiver();
    statuses = [503, 500];
    r.update([alert('api')], T);
    await r.flush(T + 30 * S); // fails (503)
    await r.flush(T + 30 * S + 500); // inside the 1 s backoff: no attempt
    expect(bodies).toHaveLength(1);
    await r.flush(T + 31 * S); // fails (500), next in 2 s
    await r.flush(T + 32 * S);
    expect(bodies).toHaveLength(2);
    const failing = tracker.snapshot()[0];
    expect(failing).toMatchObject({ failures: 2, consecutiveFailures: 2, host: new URL(url).host });
    expect(failing?.lastError).toContain('HTTP 500 try later');
    expect(failing?.lastError).not.toContain('s3cr3t');
    expect(await registry.metrics()).toContain(
      'netsec_alert_delivery_failures_total{receiver="ops"} 2',
    );
    await r.flush(T + 33 * S); // succeeds
    expect(bodies).toHaveLength(3);
    expect(tracker.snapshot()[0]).toMatchObject({ successes: 1, consecutiveFailures: 0 });
    expect(await registry.metrics()).toContain('netsec_alert_delivery_failing{receiver="ops"} 0');
  });

  it('sends Slack text with attacker-controlled names escaped', async () => {
    const { r } = receiver('slack');
    const evil = 'x<!channel>&<http://evil.test|click>';
    r.update([alert(evil)], T);
    await r.flush(T + 30 * S);
    const body = bodies[0] as { text: string };
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toContain(escapeSlack(evil));
    expect(body.text).not.toContain('<!channel>');
    expect(body.text).not.toContain('<http://evil.test');
    expect(body.text).toMatch(/^\*\[FIRING:1\]\* alertname=FrequentPacketsDroppedToWorkload/);
    expect(body.text).toContain('|open>');
  });
});

describe('escapeSlack', () => {
  it('escapes the three control characters, ampersand first', () => {
    expect(escapeSlack('a & <b> &lt;')).toBe('a &amp; &lt;b&gt; &amp;lt;');
  });
});
