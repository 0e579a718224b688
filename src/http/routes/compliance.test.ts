/**
 * The compliance and report routes through the full app: evidence for a developer is limited
 * to their namespaces, a generated report downloads and verifies (JSON upload and raw body),
 * a modified upload does not, and another developer cannot see or verify it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ComplianceResponse } from '../../api/compliance-schema.js';
import type { ReportData, ReportList, VerifyVerdict } from '../../api/report-schema.js';
import { buildTestApp, type TestApp } from '../../testing/auth-app.js';
import { testSession } from '../../testing/auth-session.js';
import { makeFlow, T0 } from '../../testing/flow-factory.js';

let t: TestApp;
let admin: Record<string, string>;
let dev: Record<string, string>;
let other: Record<string, string>;

beforeAll(async () => {
  t = await buildTestApp({
    now: T0,
    flows: [
      makeFlow({ flows: 4 }),
      makeFlow({
        flows: 9,
        src: { namespace: 'x', workload: { kind: 'Deployment', name: 'a' } },
        dst: { namespace: 'y', workload: { kind: 'Deployment', name: 'b' } },
      }),
    ],
  });
  admin = (await testSession(t.services.auth, 'admin')).headers;
  dev = (await testSession(t.services.auth, 'developer', ['shop'])).headers;
  other = (await testSession(t.services.auth, 'developer', ['elsewhere'])).headers;
});
afterAll(async () => t.close());

const W = `from=${T0 - 86_400_000}&to=${T0 + 86_400_000}`;
const json = { 'content-type': 'application/json' };

describe('compliance and report routes', () => {
  it('GET /api/v1/compliance gives every control and scopes a developer', async () => {
    const all = (
      await t.app.inject({ url: `/api/v1/compliance?${W}`, headers: admin })
    ).json<ComplianceResponse>();
    const mine = (
      await t.app.inject({ url: `/api/v1/compliance?${W}`, headers: dev })
    ).json<ComplianceResponse>();
    expect(all.controls).toHaveLength(16);
    const denied = (r: ComplianceResponse) =>
      r.evidence
        .find((e) => e.kind === 'denied-traffic')
        ?.figures.find((f) => f.label === 'denied flows')?.value;
    expect(denied(all)).toBe(13);
    expect(denied(mine)).toBe(4);
    expect(mine.namespaces).toEqual(['shop']);
    const badQ = await t.app.inject({ url: '/api/v1/compliance?from=5&to=1', headers: admin });
    expect(badQ.statusCode).toBe(400);
  });

  it('generates, lists, downloads and verifies a report; a developer sees only theirs', async () => {
    const period = new Date(T0).toISOString().slice(0, 10);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { ...dev, ...json },
      payload: { kind: 'daily', period, format: 'json' },
    });
    expect(res.statusCode).toBe(201);
    const data = res.json<ReportData>();
    expect(data.scope.restrictedToCaller).toBe(true);
    expect(data.totals.denied.flows).toBe(4);
    const id = res.headers['x-report-id'] as string;

    const list = (await t.app.inject({ url: '/api/v1/reports', headers: dev })).json<ReportList>();
    expect(list.reports.map((r) => r.id)).toContain(id);
    const hidden = (
      await t.app.inject({ url: '/api/v1/reports', headers: other })
    ).json<ReportList>();
    expect(hidden.reports.map((r) => r.id)).not.toContain(id);
    expect((await t.app.inject({ url: `/api/v1/reports/${id}`, headers: other })).statusCode).toBe(
      404,
    );

    const dl = await t.app.inject({ url: `/api/v1/reports/${id}`, headers: admin });
    expect(dl.statusCode).toBe(200);
    expect(dl.rawPayload.equals(res.rawPayload)).toBe(true);

    const v = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports/verify',
      headers: { ...admin, ...json },
      payload: { content: res.rawPayload.toString('base64') },
    });
    expect(v.json<VerifyVerdict>()).toMatchObject({ verified: true, auditEntryFound: true });
    const raw = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports/verify',
      headers: { ...admin, 'content-type': 'application/octet-stream' },
      payload: res.rawPayload,
    });
    expect(raw.json<VerifyVerdict>().verified).toBe(true);
    const modified = Buffer.from(res.rawPayload.toString().replace('"daily"', '"Daily"'));
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports/verify',
      headers: { ...admin, 'content-type': 'application/octet-stream' },
      payload: modified,
    });
    expect(bad.json<VerifyVerdict>()).toMatchObject({ verified: false });
    expect(bad.json<VerifyVerdict>().reason).toMatch(/unknown hash/);
    const otherV = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports/verify',
      headers: { ...other, ...json },
      payload: { content: res.rawPayload.toString('base64') },
    });
    expect(otherV.json<VerifyVerdict>()).toMatchObject({ verified: false, reports: [] });
  });

  it('warns at startup when hourly retention is configured below 400 days', async () => {
    const lines: Record<string, unknown>[] = [];
    const short = await buildTestApp({
      tune: (c) => (c.retention.rollup1h = 200 * 86_400_000),
      log: (l) => lines.push(l),
    });
    await short.close();
    expect(lines.some((l) => /rollup1h is 200d, below the 400d/.test(String(l.msg)))).toBe(true);
  });

  it('answers 400 with the form for a bad period and 404 for an unknown id', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      headers: { ...admin, ...json },
      payload: { kind: 'annual', period: '26', format: 'html' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: string }>().error).toMatch(/"26".*YYYY/);
    expect((await t.app.inject({ url: '/api/v1/reports/nope', headers: admin })).statusCode).toBe(
      404,
    );
  });
});
