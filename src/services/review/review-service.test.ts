import { afterEach, describe, expect, it } from 'vitest';

import { makeFlow } from '../../testing/flow-factory.js';
import {
  DAY,
  HOUR,
  reviewFinding,
  type ReviewHarness,
  reviewHarness,
  reviewModel,
  RT,
} from '../../testing/review-fixtures.js';
import { reviewServiceFor } from './review-service-for.js';

const actor = { name: 'sec', ip: '127.0.0.1' };
let h: ReviewHarness;
afterEach(async () => h.close());

async function auditActions(): Promise<string[]> {
  const page = await h.services.auth.audit.query({ limit: 100 });
  return page.map((e) => e.action);
}

describe('ReviewService', () => {
  it('lists new and ongoing findings since the last sign-off, in scope, and requires dispositions to sign off', async () => {
    h = await reviewHarness();
    const g = h.services.governance;
    await g.findings.upsertFindings([
      reviewFinding(),
      reviewFinding({
        id: 'f0',
        key: 'k0',
        start: RT - 3 * DAY,
        end: RT - 5 * HOUR,
        status: 'closed',
      }),
      reviewFinding({ id: 'fold', key: 'kold', start: RT - 3 * DAY, end: RT - 2 * DAY }),
      reviewFinding({
        id: 'fpay',
        key: 'kpay',
        subject: { cluster: 'prod', namespace: 'payments', workload: 'Deployment/api', peer: null },
      }),
      reviewFinding({
        id: 'fother',
        key: 'ko',
        subject: { cluster: 'stage', namespace: 'shop', workload: null, peer: null },
      }),
    ]);
    const reviews = reviewServiceFor(g);
    const cur = await reviews.current('prod');
    const findings = cur.items.filter((i) => i.kind === 'finding');
    expect(findings.map((i) => [i.key, i.state]).sort()).toEqual([
      ['finding:f0', 'ongoing'],
      ['finding:f1', 'new'],
      ['finding:fpay', 'new'],
    ]);
    expect(cur.due.overdue).toBe(true);
    expect(cur.reviewId).toBeNull();
    // A developer of `payments` sees the payments finding, and f0 and f1 (their peer is in payments).
    const dev = await reviews.current('prod', { namespaces: ['payments'] });
    expect(dev.items.map((i) => i.key).sort()).toEqual([
      'finding:f0',
      'finding:f1',
      'finding:fpay',
    ]);
    expect((await reviews.current('prod', { namespaces: ['other'] })).items).toEqual([]);
    // Every item needs a disposition (or acknowledgement) before sign-off.
    await expect(reviews.signOff('prod', { note: 'done' }, actor)).rejects.toMatchObject({
      status: 409,
    });
    for (const i of cur.items)
      await reviews.dispose(
        'prod',
        i.key,
        { disposition: 'false-positive', reason: 'test traffic' },
        actor,
      );
    await expect(reviews.signOff('prod', { note: ' ' }, actor)).rejects.toMatchObject({
      status: 400,
    });
    h.clock.now = RT + HOUR;
    const signed = await reviews.signOff('prod', { note: 'all looked at' }, actor);
    expect(signed).toMatchObject({
      status: 'signed-off',
      signedOffAt: RT + HOUR,
      signedOffBy: 'sec',
      itemsLeft: [],
    });
    const summary = (await reviews.history({ cluster: ['prod'] }))[0];
    expect(summary?.counts['false-positive']).toBe(cur.items.length);
    expect(await auditActions()).toEqual(
      expect.arrayContaining(['review.start', 'review.disposition', 'review.signoff']),
    );
    // The next period starts at the sign-off: f1 ended before it, so only new activity shows.
    const next = await reviews.current('prod');
    expect(next.periodStart).toBe(RT + HOUR);
    expect(next.items.filter((i) => i.kind === 'finding')).toEqual([]);
    expect(next.due).toMatchObject({ overdue: false, dueAt: RT + HOUR + DAY });
    h.clock.now = RT + HOUR + DAY + 2 * HOUR + 1;
    expect((await reviews.overduePerCluster()).find((c) => c.cluster === 'prod')?.due.overdue).toBe(
      true,
    );
    expect(await reviews.statusPerCluster()).toEqual([
      { cluster: 'prod', lastReviewAt: RT + HOUR },
      { cluster: 'stage', lastReviewAt: null },
    ]);
  });

  it('signs off with items left only when acknowledged, recording them', async () => {
    h = await reviewHarness();
    const g = h.services.governance;
    await g.findings.upsertFindings([reviewFinding()]);
    const reviews = reviewServiceFor(g);
    const seen: [string, number][] = [];
    g.hooks.reviewSignedOff.push((c, at) => seen.push([c, at]));
    const signed = await reviews.signOff('prod', { note: 'partial', acknowledgeOpen: true }, actor);
    expect(signed.itemsLeft).toContain('finding:f1');
    expect(seen).toEqual([['prod', RT]]);
    const full = await reviews.get(signed.id);
    expect(full?.items.find((i) => i.item.key === 'finding:f1')?.disposition).toBeNull();
  });

  it('expected creates a scoped, expiring suppression; recurrences show marked until it expires', async () => {
    h = await reviewHarness();
    const g = h.services.governance;
    await g.findings.upsertFindings([reviewFinding()]);
    const reviews = reviewServiceFor(g);
    const base = { disposition: 'expected' as const, reason: 'pen test', owner: 'team-shop' };
    await expect(reviews.dispose('prod', 'finding:f1', base, actor)).rejects.toMatchObject({
      status: 400,
    });
    await expect(
      reviews.dispose('prod', 'finding:f1', { ...base, expiresAt: RT + 91 * DAY }, actor),
    ).rejects.toThrow(/at most 90 days/);
    await expect(
      reviews.dispose('prod', 'finding:f1', { ...base, owner: '', expiresAt: RT + DAY }, actor),
    ).rejects.toThrow(/owner/);
    await expect(
      reviews.dispose('prod', 'nope', { disposition: 'suspicious' }, actor),
    ).rejects.toMatchObject({ status: 404 });
    const item = await reviews.dispose(
      'prod',
      'finding:f1',
      { ...base, expiresAt: RT + 2 * DAY },
      actor,
    );
    expect(item.suppression).toMatchObject({
      cluster: 'prod',
      findingType: 'port-scan',
      key: reviewFinding().key,
      namespace: 'shop',
      expiresAt: RT + 2 * DAY,
    });
    expect(await auditActions()).toContain('suppression.create');
    // No data was ingested at all: the whole period is an ingest hole.
    const hole = (await reviews.current('prod')).items.find((i) => i.kind === 'gap');
    expect(hole?.key).toBe(`gap:hole:${RT - DAY}`);
    await reviews.dispose(
      'prod',
      hole!.key,
      { disposition: 'false-positive', reason: 'test store' },
      actor,
    );
    await reviews.signOff('prod', { note: 'ok' }, actor);
    // The same activity again the next day: a new finding with the same key, covered and marked.
    h.clock.now = RT + DAY;
    await g.findings.upsertFindings([
      reviewFinding({ id: 'f2', start: RT + DAY - HOUR, end: RT + DAY - 1000 }),
    ]);
    const cur = await reviews.current('prod');
    const f2 = cur.items.find((i) => i.key === 'finding:f2');
    expect(f2?.suppression?.id).toBe(item.suppression?.id);
    // A covered item needs no disposition for sign-off.
    const gaps = cur.items.filter((i) => i.kind === 'gap');
    for (const gap of gaps)
      await reviews.dispose('prod', gap.key, { disposition: 'misconfiguration' }, actor);
    expect((await reviews.signOff('prod', { note: 'covered' }, actor)).itemsLeft).toEqual([]);
    // After the expiry it is no longer covered.
    h.clock.now = RT + 3 * DAY;
    await g.findings.upsertFindings([
      reviewFinding({ id: 'f3', start: RT + 3 * DAY - HOUR, end: RT + 3 * DAY - 1000 }),
    ]);
    expect(
      (await reviews.current('prod')).items.find((i) => i.key === 'finding:f3')?.suppression,
    ).toBeNull();
    // Revocation ends a suppression early, once.
    expect(await reviews.revoke(item.suppression!.id, actor)).toMatchObject({ revokedBy: 'sec' });
    expect(await reviews.revoke(item.suppression!.id, actor)).toBeNull();
  });

  it('reports workloads and namespaces that lost isolation since the last sign-off', async () => {
    h = await reviewHarness();
    const g = h.services.governance;
    const reviews = reviewServiceFor(g);
    h.model.current = reviewModel(true);
    const first = await reviews.current('prod');
    expect(first.items.filter((i) => i.kind === 'coverage')).toEqual([]);
    expect(first.notes.join(' ')).toMatch(/No coverage snapshot/);
    await reviews.signOff('prod', { note: 'baseline', acknowledgeOpen: true }, actor);
    h.clock.now = RT + HOUR;
    h.model.current = reviewModel(false);
    const cov = (await reviews.current('prod')).items.filter((i) => i.kind === 'coverage');
    expect(cov.map((i) => i.key).sort()).toEqual([
      'coverage:shop/Deployment/cart:egress',
      'coverage:shop/Deployment/cart:ingress',
      'coverage:shop/Deployment/web:egress',
      'coverage:shop/Deployment/web:ingress',
      'coverage:shop:namespace',
    ]);
    // With developer scope `payments` none of it is visible.
    expect(
      (await reviews.current('prod', { namespaces: ['payments'] })).items.filter(
        (i) => i.kind === 'coverage',
      ),
    ).toEqual([]);
  });

  it('reports evidence gaps: ingest holes and silent sources', async () => {
    h = await reviewHarness((c) => {
      c.review = { gapMinutes: 30, clusters: ['prod-eu1'] };
    });
    const g = h.services.governance;
    const reviews = reviewServiceFor(g);
    // Data every minute of the last day except a 2-hour hole; the last batch is 3 hours old.
    const flows = [];
    for (let t = RT - DAY; t < RT - 3 * HOUR; t += 60_000)
      if (t < RT - 10 * HOUR || t >= RT - 8 * HOUR) flows.push(makeFlow({ time: t }));
    await g.store.writeBatch({ id: 'b1', flows, source: 'hubble', receivedAt: RT - 3 * HOUR });
    const gaps = (await reviews.current('prod-eu1')).items.filter((i) => i.kind === 'gap');
    expect(gaps.map((i) => [i.key, i.end - i.start])).toEqual(
      expect.arrayContaining([
        [`gap:silent:hubble:${RT - 3 * HOUR}`, 3 * HOUR],
        [`gap:hole:${RT - 10 * HOUR}`, 2 * HOUR],
      ]),
    );
    expect(gaps.some((i) => i.key.startsWith('gap:hole:') && i.start === RT - 3 * HOUR)).toBe(true);
  });
});
