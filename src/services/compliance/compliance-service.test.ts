import { afterEach, describe, expect, it } from 'vitest';

import { CONTROLS } from '../../domain/compliance/catalogue.js';
import { DAY_MS, HOUR_MS } from '../../domain/time.js';
import { externalEndpoint, makeFlow } from '../../testing/flow-factory.js';
import { type ReportTestEnv, reportTestEnv } from '../../testing/report-fixtures.js';
import { incidentStoreFor } from '../incidents/incident-store-for.js';
import { reviewStoreFor } from '../review/review-store-for.js';
import { getCompliance } from './compliance-service.js';
import { hourlyRetentionWarning } from './retention.js';

const NOW = Date.UTC(2026, 10, 26, 12);
const FROM = Date.UTC(2026, 10, 25);
const TO = Date.UTC(2026, 10, 26);

let env: ReportTestEnv | undefined;
afterEach(async () => env?.close());

const ev = (r: Awaited<ReturnType<typeof getCompliance>>, kind: string) =>
  r.evidence.find((e) => e.kind === kind);

describe('compliance evidence (pinned clock, known flows)', () => {
  it('counts the flows written, hours with data, and judges every control', async () => {
    env = await reportTestEnv({ now: NOW });
    // 6 hours of the day have data: 3 denied cross-namespace flows each, 2 allowed to world.
    for (let h = 0; h < 6; h += 1) {
      const time = FROM + h * 4 * HOUR_MS;
      await env.write([
        makeFlow({ time, flows: 3, packets: 9 }),
        makeFlow({
          time,
          verdict: 'allowed',
          reason: 'allowed-by-policy',
          dst: externalEndpoint('203.0.113.9'),
          direction: 'egress',
          flows: 2,
          packets: 4,
          bytes: 1000,
        }),
      ]);
    }
    const r = await getCompliance(env.ctx, { from: FROM, to: TO });
    expect(r.controls.map((c) => c.id)).toEqual(CONTROLS.map((c) => c.id));
    const denied = ev(r, 'denied-traffic');
    expect(denied?.figures.find((f) => f.label === 'denied flows')?.value).toBe(18);
    expect(denied?.figures.find((f) => f.label === 'denied cross-namespace')?.value).toBe(18);
    const egress = ev(r, 'external-egress');
    expect(egress?.figures.find((f) => f.label === 'allowed flows to external peers')?.value).toBe(
      12,
    );
    const comp = ev(r, 'completeness');
    expect(comp?.figures.find((f) => f.label === 'hours with data')?.value).toBe(6);
    expect(comp?.figures.find((f) => f.label === 'hours in period (elapsed)')?.value).toBe(24);
    expect(comp?.status).toBe('partial');
    expect(comp?.reason).toMatch(/18 of 24 hours have no data/);
    // No review signed off, no model loaded: gaps, shown with their reasons.
    expect(ev(r, 'review-completion')?.status).toBe('gap');
    expect(ev(r, 'coverage')?.reason).toMatch(/no cluster model/);
    // The store is a day old: hourly rollups cannot reach 400 days back.
    expect(ev(r, 'retention')?.status).toBe('partial');
    expect(ev(r, 'retention')?.reason).toMatch(/400/);
    expect(ev(r, 'audit-chain')?.status).toBe('met');
    const held = ev(r, 'retention')?.figures;
    expect(held?.find((f) => f.label === 'oldest raw event')?.value).toBe('2026-11-25');
    expect(held?.find((f) => f.label === 'oldest 1-hour bucket')?.value).toBe('2026-11-25');
    const hslf = r.controls.find((c) => c.id === 'hslf-18');
    expect(hslf?.status).toBe('partial');
    expect(hslf?.gaps.length).toBeGreaterThan(0);
  });

  it('flags hourly retention configured below 400 days as a gap', async () => {
    env = await reportTestEnv({ now: NOW, tune: (c) => (c.retention.rollup1h = 300 * DAY_MS) });
    const r = await getCompliance(env.ctx, { from: FROM, to: TO });
    expect(ev(r, 'retention')?.status).toBe('gap');
    expect(ev(r, 'retention')?.reason).toMatch(/300d.*400d/);
    expect(hourlyRetentionWarning(400 * DAY_MS)).toBeNull();
  });

  it('gives a developer only the flows of their namespaces', async () => {
    env = await reportTestEnv({ now: NOW });
    await env.write([
      makeFlow({ time: FROM + HOUR_MS, flows: 5 }),
      makeFlow({
        time: FROM + HOUR_MS,
        flows: 7,
        src: { namespace: 'other', workload: { kind: 'Deployment', name: 'x' } },
        dst: { namespace: 'elsewhere', workload: { kind: 'Deployment', name: 'y' } },
      }),
    ]);
    const all = await getCompliance(env.ctx, { from: FROM, to: TO });
    const mine = await getCompliance(env.ctx, { from: FROM, to: TO }, { namespaces: ['shop'] });
    const flows = (r: typeof all) =>
      ev(r, 'denied-traffic')?.figures.find((f) => f.label === 'denied flows')?.value;
    expect(flows(all)).toBe(12);
    expect(flows(mine)).toBe(5);
    expect(mine.namespaces).toEqual(['shop']);
  });
});

describe('compliance evidence from reviews, findings and incidents', () => {
  it('counts signed-off review days, dispositioned findings and incidents by outcome', async () => {
    env = await reportTestEnv({ now: NOW });
    const reviews = reviewStoreFor(env.ctx.store);
    await env.ctx.findings.upsertFindings([
      {
        id: 'f1',
        key: 'k1',
        type: 'port-scan',
        severity: 'high',
        confidence: 0.9,
        start: FROM + HOUR_MS,
        end: FROM + 2 * HOUR_MS,
        status: 'open',
        subject: { cluster: 'prod-eu1', namespace: 'shop', workload: 'web', peer: null },
        evidence: {
          unit: 'flows',
          observed: 1,
          usual: null,
          spread: null,
          distinctPorts: 1,
          distinctHosts: 1,
          ratePerMin: 1,
          extra: {},
        },
        explanation: 'x',
        samples: [],
        updatedAt: FROM,
      },
    ]);
    const review = {
      id: 'r1',
      cluster: 'prod-eu1',
      scope: null,
      status: 'open' as const,
      periodStart: FROM - DAY_MS,
      startedAt: FROM + 8 * HOUR_MS,
      startedBy: 'sec',
      signedOffAt: null,
      signedOffBy: null,
      note: null,
      itemsLeft: [],
      snapshot: null,
    };
    await reviews.createReview(review);
    const item = {
      key: 'finding:f1',
      kind: 'finding' as const,
      cluster: 'prod-eu1',
      namespace: 'shop',
      peerNamespace: null,
      workload: 'web',
      severity: 'high' as const,
      title: 'scan',
      detail: '',
      findingId: 'f1',
      findingKey: 'k1',
      findingType: 'port-scan' as const,
      state: 'new' as const,
      start: FROM,
      end: FROM + HOUR_MS,
    };
    await reviews.signOff('r1', {
      at: FROM + 9 * HOUR_MS,
      by: 'sec',
      note: 'ok',
      itemsLeft: [],
      snapshot: {
        coverage: {
          'shop/Deployment/web': { ingress: true, egress: false },
          'shop/Deployment/db': { ingress: false, egress: false },
        },
        lostEvents: {},
      },
      items: [
        {
          item,
          disposition: {
            key: item.key,
            disposition: 'suspicious',
            reason: 'scan',
            actor: 'sec',
            at: FROM + 9 * HOUR_MS,
            incidentId: 'i1',
            suppressionId: null,
          },
          suppressionId: null,
        },
      ],
    });
    await incidentStoreFor(env.ctx.store).createIncident({
      incident: {
        id: 'i1',
        cluster: 'prod-eu1',
        title: 'scan from web',
        severity: 'high',
        kind: 'attack',
        status: 'resolved',
        assignee: 'sec',
        createdAt: FROM + 9 * HOUR_MS,
        createdBy: 'sec',
        detectedAt: FROM + HOUR_MS,
        containedAt: FROM + 10 * HOUR_MS,
        resolvedAt: FROM + 12 * HOUR_MS,
        closedAt: null,
        outcome: 'attack-contained',
        resolution: 'blocked',
        namespaces: ['shop'],
        updatedAt: FROM + 12 * HOUR_MS,
      },
      links: [],
      timeline: [],
    });
    const r = await getCompliance(env.ctx, { from: FROM, to: TO });
    const fig = (kind: string, label: string) =>
      ev(r, kind)?.figures.find((f) => f.label === label)?.value;
    expect(ev(r, 'review-completion')?.status).toBe('met');
    expect(fig('review-completion', 'days with a signed-off review')).toBe(1);
    expect(fig('review-completion', 'mean time from start to sign-off (hours)')).toBe(1);
    expect(ev(r, 'findings-handled')?.status).toBe('met');
    expect(fig('findings-handled', 'dispositioned in a review')).toBe(1);
    expect(ev(r, 'incidents')?.status).toBe('met');
    expect(fig('incidents', 'mean time to resolve (hours)')).toBe(11);
    // Coverage history also comes from the snapshot taken at sign-off.
    const history = ev(r, 'coverage')?.tables.find((t) => t.id === 'coverage-by-month');
    expect(history?.rows).toEqual([['2026-11', '2026-11-25', 2, 1, 1, 0, '50.0 %']]);
    const outcomes = ev(r, 'incidents')?.tables.find((t) => t.id === 'incidents-by-outcome');
    expect(outcomes?.rows).toContainEqual(['attack-contained', 1]);
    // Another developer's scope sees neither the incident nor the finding.
    const other = await getCompliance(env.ctx, { from: FROM, to: TO }, { namespaces: ['else'] });
    expect(fig('incidents', 'incidents opened in period')).toBe(1);
    expect(
      other.evidence
        .find((e) => e.kind === 'incidents')
        ?.figures.find((f) => f.label === 'incidents opened in period')?.value,
    ).toBe(0);
  });
});
