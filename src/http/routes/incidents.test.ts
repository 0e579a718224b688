import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  deniedFlow,
  findingFixture,
  incidentModel,
  T,
} from '../../services/incidents/incident-test-fixtures.js';
import { buildTestApp, type TestApp } from '../../testing/auth-app.js';
import { testSession } from '../../testing/auth-session.js';

let t: TestApp;
const h: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  t = await buildTestApp({ now: T });
  t.services.governance.model = () => incidentModel();
  t.services.governance.now = () => T;
  await t.services.governance.findings.upsertFindings([findingFixture()]);
  h['security'] = (await testSession(t.services.auth, 'security')).headers;
  h['auditor'] = (await testSession(t.services.auth, 'auditor')).headers;
  h['dev-shop'] = (await testSession(t.services.auth, 'developer', ['shop'])).headers;
  h['dev-other'] = (await testSession(t.services.auth, 'developer', ['elsewhere'])).headers;
});
afterAll(async () => t.close());

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, who: string, payload?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: h[who],
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });

describe('incident routes', () => {
  it('creates from a finding (201 with id), reads within scope, 404 outside it and for unknown ids', async () => {
    const r = await call('POST', '/api/v1/incidents', 'security', {
      findingIds: ['f-scan'],
      flow: deniedFlow,
      note: 'n',
    });
    expect(r.statusCode).toBe(201);
    const id = (r.json() as { id: string }).id;
    expect(id).toMatch(/^inc-/);
    expect((await call('GET', `/api/v1/incidents/${id}`, 'dev-shop')).statusCode).toBe(200);
    expect((await call('GET', `/api/v1/incidents/${id}`, 'dev-other')).statusCode).toBe(404);
    expect(
      (await call('GET', `/api/v1/incidents/${id}/notify/preview`, 'dev-other')).statusCode,
    ).toBe(404);
    expect((await call('GET', '/api/v1/incidents', 'dev-other')).json()).toEqual({ incidents: [] });
    expect((await call('GET', '/api/v1/incidents', 'dev-shop')).json().incidents).toHaveLength(1);
    expect((await call('GET', '/api/v1/incidents/no-such', 'security')).statusCode).toBe(404);
    expect(
      (await call('PATCH', '/api/v1/incidents/no-such', 'security', { status: 'contained' }))
        .statusCode,
    ).toBe(404);
    expect(
      (await call('POST', '/api/v1/incidents/no-such/quarantine/apply', 'security', {})).statusCode,
    ).toBe(404);
  });

  it('validates bodies and refuses writes to readers', async () => {
    const bad = await call('POST', '/api/v1/incidents', 'security', { severity: 'apocalyptic' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().issues[0]).toMatch(/^severity/);
    expect(
      (await call('POST', '/api/v1/incidents', 'security', { findingIds: ['missing'] })).statusCode,
    ).toBe(400);
    expect(
      (await call('POST', '/api/v1/incidents', 'auditor', { flow: deniedFlow })).statusCode,
    ).toBe(403);
    expect(
      (await call('POST', '/api/v1/incidents', 'dev-shop', { flow: deniedFlow })).statusCode,
    ).toBe(403);
  });

  it('changes status with rules, comments, previews, plans a quarantine, answers 409 without a cluster API', async () => {
    const id = (
      await call('POST', '/api/v1/incidents', 'security', { findingIds: ['f-scan'] })
    ).json().id as string;
    expect(
      (await call('PATCH', `/api/v1/incidents/${id}`, 'security', { status: 'resolved' }))
        .statusCode,
    ).toBe(409);
    const c = await call('PATCH', `/api/v1/incidents/${id}`, 'security', {
      status: 'contained',
      assignee: 'bob',
    });
    expect(c.json().incident).toMatchObject({
      status: 'contained',
      assignee: 'bob',
      containedAt: T,
    });
    expect(
      (await call('POST', `/api/v1/incidents/${id}/comments`, 'security', { text: 'hi' }))
        .statusCode,
    ).toBe(201);
    const p = await call('GET', `/api/v1/incidents/${id}/notify/preview`, 'auditor');
    expect(p.json().markdown).toContain('port-scan');
    const plan = await call('POST', `/api/v1/incidents/${id}/quarantine/plan`, 'security', {});
    expect(plan.json()).toMatchObject({ workload: 'shop/Deployment/web', clusterApi: false });
    const apply = await call('POST', `/api/v1/incidents/${id}/quarantine/apply`, 'security', {
      workload: 'shop/Deployment/web',
      confirm: 'web',
    });
    expect(apply.statusCode).toBe(409);
    expect(apply.json().error).toMatch(/kubectl/);
    const detail = (await call('GET', `/api/v1/incidents/${id}`, 'auditor')).json();
    expect(detail.timeline.map((e: { kind: string }) => e.kind)).toEqual([
      'created',
      'status',
      'assign',
      'comment',
      'quarantine-plan',
    ]);
  });

  it('lists owners within scope', async () => {
    expect((await call('GET', '/api/v1/owners', 'dev-shop')).json().owners).toEqual([
      expect.objectContaining({ namespace: 'shop', team: 'shop-team', source: 'cluster' }),
    ]);
    expect((await call('GET', '/api/v1/owners', 'dev-other')).json().owners).toEqual([]);
  });
});
