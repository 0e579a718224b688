import { createServer, type Server } from 'node:http';

import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { AlertState } from '../../domain/detect/alert-eval.js';
import { AlertmanagerReceiver, type PostableAlert } from './alertmanager-receiver.js';
import { DeliveryTracker } from './delivery-state.js';

const T = Date.UTC(2026, 0, 5, 9, 0, 0);
const M = 60_000;

const firing: AlertState = {
  fingerprint: 'fp1',
  rule: 'FindingPortScan',
  labels: { alertname: 'FindingPortScan', severity: 'critical', cluster: 'prod' },
  annotations: { summary: 's', description: 'd', runbook_url: 'r' },
  generatorURL: 'https://ui.test/findings/f1',
  activeSince: T - 5 * M,
  firingSince: T,
  lastTrueAt: T,
  resolvedAt: null,
};

describe('AlertmanagerReceiver resends (local stand-in for the v2 API)', () => {
  let server: Server;
  let base = '';
  const posts: { path: string; body: PostableAlert[] }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString('utf8')));
      req.on('end', () => {
        posts.push({ path: req.url ?? '', body: JSON.parse(data) as PostableAlert[] });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('re-sends a firing alert every resend interval with endsAt four intervals ahead', async () => {
    const r = new AlertmanagerReceiver('am', base, new DeliveryTracker(new Registry()), M);
    r.update([firing], T);
    await r.flush(T);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.path).toBe('/api/v2/alerts');
    expect(posts[0]?.body[0]).toEqual({
      labels: firing.labels,
      annotations: firing.annotations,
      startsAt: new Date(T - 5 * M).toISOString(),
      endsAt: new Date(T + 4 * M).toISOString(),
      generatorURL: firing.generatorURL,
    });
    r.update([firing], T + 30_000);
    await r.flush(T + 30_000); // unchanged, inside the resend interval: nothing
    expect(posts).toHaveLength(1);
    await r.flush(T + M);
    expect(posts).toHaveLength(2);
    expect(posts[1]?.body[0]?.endsAt).toBe(new Date(T + 5 * M).toISOString());
    // Resolved: sent at once with its end, then never again.
    r.update([{ ...firing, resolvedAt: T + 70_000 }], T + 70_000);
    await r.flush(T + 70_000);
    expect(posts[2]?.body[0]?.endsAt).toBe(new Date(T + 70_000).toISOString());
    await r.flush(T + 10 * M);
    expect(posts).toHaveLength(3);
  });
});
