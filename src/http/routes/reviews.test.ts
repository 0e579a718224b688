import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildTestApp, type TestApp } from '../../testing/auth-app.js';
import { testSession } from '../../testing/auth-session.js';
import { makeFlow } from '../../testing/flow-factory.js';
import { DAY, HOUR, reviewFinding, RT } from '../../testing/review-fixtures.js';

let t: TestApp;
const as: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  // Denied flows of shop/web during f1's span, so the detail has evidence.
  const flows = [0, 1, 2].map((i) =>
    makeFlow({
      time: RT - 2 * HOUR + i * 60_000,
      cluster: 'prod',
      src: { namespace: 'shop', workload: { kind: 'Deployment', name: 'web' } },
    }),
  );
  t = await buildTestApp({ flows, now: RT });
  t.services.governance.now = () => RT;
  await t.services.governance.findings.upsertFindings([
    reviewFinding(),
    reviewFinding({
      id: 'fpay',
      key: 'kpay',
      subject: { cluster: 'prod', namespace: 'payments', workload: 'Deployment/api', peer: null },
    }),
  ]);
  const auth = t.services.auth;
  for (const role of ['admin', 'security', 'auditor'] as const)
    as[role] = (await testSession(auth, role)).headers;
  as['dev-shop'] = (await testSession(auth, 'developer', ['shop'])).headers;
  as['dev-other'] = (await testSession(auth, 'developer', ['elsewhere'])).headers;
});
afterAll(async () => t.close());

const get = (url: string, who: string) => t.app.inject({ url, headers: as[who] });
const post = (url: string, who: string, body: unknown) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { ...as[who], 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

describe('findings routes', () => {
  it('lists findings with filters and the caller scope', async () => {
    const all = (await get('/api/v1/findings?cluster=prod', 'auditor')).json();
    expect(all.findings.map((f: { id: string }) => f.id).sort()).toEqual(['f1', 'fpay']);
    expect(
      (await get('/api/v1/findings?namespace=payments', 'admin'))
        .json()
        .findings.map((f: { id: string }) => f.id),
    ).toEqual(['fpay']);
    expect((await get('/api/v1/findings?minSeverity=critical', 'admin')).json().findings).toEqual(
      [],
    );
    // shop/web's finding has its peer in payments; the developer of shop sees only it.
    expect(
      (await get('/api/v1/findings', 'dev-shop')).json().findings.map((f: { id: string }) => f.id),
    ).toEqual(['f1']);
    expect((await get('/api/v1/findings', 'dev-other')).json().findings).toEqual([]);
    expect((await get('/api/v1/findings?type=nope', 'admin')).statusCode).toBe(400);
  });

  it('shows a finding with evidence flows, 404 for unknown ids and out-of-scope callers', async () => {
    const res = await get('/api/v1/findings/f1', 'security');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.finding.id).toBe('f1');
    expect(body.evidence.flows.length).toBe(3);
    expect(body.evidence.filter).toMatchObject({
      cluster: 'prod',
      namespace: 'shop',
      workload: 'web',
      verdict: 'denied',
    });
    expect((await get('/api/v1/findings/no-such', 'admin')).statusCode).toBe(404);
    expect((await get('/api/v1/findings/fpay', 'dev-shop')).statusCode).toBe(404);
  });
});

describe('review routes', () => {
  it('refuses writes to auditors and developers', async () => {
    for (const who of ['auditor', 'dev-shop'])
      expect(
        (await post('/api/v1/reviews/current/signoff', who, { cluster: 'prod', note: 'x' }))
          .statusCode,
      ).toBe(403);
  });

  it('runs a review: current items, dispositions with a suppression, sign-off, history and revocation', async () => {
    const cur = (await get('/api/v1/reviews/current?cluster=prod', 'security')).json();
    expect(cur.clusters).toContain('prod');
    expect(cur.due.overdue).toBe(true);
    const keys = cur.items.map((i: { key: string }) => i.key);
    expect(keys).toEqual(expect.arrayContaining(['finding:f1', 'finding:fpay']));
    const dev = (await get('/api/v1/reviews/current?cluster=prod', 'dev-shop')).json();
    expect(dev.items.map((i: { key: string }) => i.key)).toEqual(['finding:f1']);

    const disp = (key: string, body: unknown) =>
      post(`/api/v1/reviews/current/items/${encodeURIComponent(key)}/disposition`, 'security', {
        cluster: 'prod',
        ...(body as object),
      });
    expect(
      (await disp('finding:f1', { disposition: 'expected', reason: 'pen test', owner: 'team' }))
        .statusCode,
    ).toBe(400);
    expect((await disp('finding:nope', { disposition: 'suspicious' })).statusCode).toBe(404);
    const expected = await disp('finding:f1', {
      disposition: 'expected',
      reason: 'pen test',
      owner: 'team',
      expiresAt: RT + 7 * DAY,
    });
    expect(expected.statusCode).toBe(200);
    const suppressionId = expected.json().suppression.id as string;

    const early = await post('/api/v1/reviews/current/signoff', 'security', {
      cluster: 'prod',
      note: 'done',
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().itemsLeft).toContain('finding:fpay');
    for (const key of keys.filter((k: string) => k !== 'finding:f1'))
      expect((await disp(key, { disposition: 'suspicious', incidentId: 'inc-1' })).statusCode).toBe(
        200,
      );
    const signed = await post('/api/v1/reviews/current/signoff', 'security', {
      cluster: 'prod',
      note: 'done',
    });
    expect(signed.statusCode).toBe(200);
    const id = signed.json().id as string;

    const history = (await get('/api/v1/reviews?cluster=prod', 'auditor')).json().reviews;
    expect(history[0]).toMatchObject({ id, status: 'signed-off', counts: { expected: 1 } });
    const detail = (await get(`/api/v1/reviews/${id}`, 'auditor')).json();
    expect(detail.items.length).toBe(keys.length);
    expect((await get(`/api/v1/reviews/${id}`, 'dev-shop')).json().items.length).toBe(1);
    expect((await get('/api/v1/reviews/no-such', 'admin')).statusCode).toBe(404);

    // The finding's detail now shows its suppression and the review item that decided it.
    const f1 = (await get('/api/v1/findings/f1', 'admin')).json();
    expect(f1.finding.suppression.id).toBe(suppressionId);
    expect(f1.reviews[0]).toMatchObject({
      reviewId: id,
      item: { disposition: { disposition: 'expected' } },
    });

    const sup = (await get('/api/v1/suppressions?active=true', 'auditor')).json().suppressions;
    expect(sup.map((s: { id: string }) => s.id)).toEqual([suppressionId]);
    expect((await get('/api/v1/suppressions', 'dev-other')).json().suppressions).toEqual([]);
    const del = (who: string, sid: string) =>
      t.app.inject({ method: 'DELETE', url: `/api/v1/suppressions/${sid}`, headers: as[who] });
    expect((await del('auditor', suppressionId)).statusCode).toBe(403);
    expect((await del('admin', 'no-such')).statusCode).toBe(404);
    expect((await del('admin', suppressionId)).json()).toMatchObject({
      active: false,
      revokedBy: expect.any(String),
    });
    expect((await del('admin', suppressionId)).statusCode).toBe(409);

    const audit = await t.services.auth.audit.query({ limit: 200 });
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining([
        'review.start',
        'review.disposition',
        'review.signoff',
        'suppression.create',
        'suppression.revoke',
      ]),
    );
  });
});
