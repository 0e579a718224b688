import { afterEach, describe, expect, it } from 'vitest';

import { buildClusterModel } from '../../domain/netpol/index.js';
import { DAY_MS } from '../../domain/time.js';
import { type ReportTestEnv, reportTestEnv } from '../../testing/report-fixtures.js';
import { getCompliance } from './compliance-service.js';
import { coverageOf, startCoverageSampler } from './coverage.js';
import { reportStoreFor } from './stores.js';

const NOW = Date.UTC(2026, 10, 26, 12);

const { model } = buildClusterModel({
  pods: [
    {
      namespace: 'shop',
      name: 'web-1',
      labels: { app: 'web' },
      workload: { kind: 'Deployment', namespace: 'shop', name: 'web' },
    },
    {
      namespace: 'shop',
      name: 'web-2',
      labels: { app: 'web' },
      workload: { kind: 'Deployment', namespace: 'shop', name: 'web' },
    },
    {
      namespace: 'shop',
      name: 'db-0',
      labels: { app: 'db' },
      workload: { kind: 'StatefulSet', namespace: 'shop', name: 'db' },
    },
    {
      namespace: 'pay',
      name: 'api-1',
      labels: { app: 'api' },
      workload: { kind: 'Deployment', namespace: 'pay', name: 'api' },
    },
  ],
  policies: [
    {
      namespace: 'shop',
      name: 'db-only-web',
      spec: { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] },
    },
    {
      namespace: 'pay',
      name: 'deny-all',
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
  ],
});

let env: ReportTestEnv | undefined;
afterEach(async () => env?.close());

describe('coverage', () => {
  it('counts workloads (not pods) isolated per direction and names the exposed ones', () => {
    expect(coverageOf(model)).toEqual([
      { namespace: 'pay', workloads: 1, ingressIsolated: 1, egressIsolated: 1, exposed: [] },
      { namespace: 'shop', workloads: 2, ingressIsolated: 1, egressIsolated: 0, exposed: ['web'] },
    ]);
  });

  it('samples once a day while the server runs and shows the monthly history', async () => {
    env = await reportTestEnv({ now: NOW, model });
    const stop = startCoverageSampler(env.ctx);
    stop();
    const day = Math.floor(NOW / DAY_MS) * DAY_MS;
    const samples = await reportStoreFor(env.ctx.store).listCoverageSamples(day, day + DAY_MS);
    expect(samples.map((s) => [s.namespace, s.workloads, s.ingressIsolated])).toEqual([
      ['pay', 1, 1],
      ['shop', 2, 1],
    ]);
    const r = await getCompliance(env.ctx, { from: NOW - 30 * DAY_MS, to: NOW });
    const cov = r.evidence.find((e) => e.kind === 'coverage');
    expect(cov?.summary).toBe('2 of 3 workloads isolated for ingress (66.7 %)');
    expect(cov?.status).toBe('partial');
    expect(cov?.reason).toMatch(/1 of 3 workloads are not isolated/);
    const history = cov?.tables.find((t) => t.id === 'coverage-by-month');
    expect(history?.rows).toEqual([['2026-11', '2026-11-26', 3, 2, 1, 1, '66.7 %']]);
    const dev = await getCompliance(
      env.ctx,
      { from: NOW - DAY_MS, to: NOW },
      { namespaces: ['pay'] },
    );
    expect(dev.evidence.find((e) => e.kind === 'coverage')?.summary).toMatch(/^1 of 1 workloads/);
  });
});
