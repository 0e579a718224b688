/**
 * Contract suite for `ReviewStore`: every backend runs it (SQLite in
 * `sqlite/review-store-sqlite.test.ts`, PostgreSQL beside its store).
 * @example describeReviewStoreContract('sqlite', async () => ({ store, cleanup: async () => {} }));
 */
import { describe, expect, it } from 'vitest';

import type { RecordedItem, Review, ReviewItem, Suppression } from '../../domain/review/types.js';
import type { ReviewStore } from '../review-store.js';

export interface OpenedReviewStore {
  store: ReviewStore;
  cleanup(): Promise<void>;
}

const T = Date.UTC(2026, 0, 20, 12);
const H = 3_600_000;

function review(over: Partial<Review> = {}): Review {
  return {
    id: 'r1',
    cluster: 'c1',
    scope: null,
    status: 'open',
    periodStart: T - 24 * H,
    startedAt: T,
    startedBy: 'alice',
    signedOffAt: null,
    signedOffBy: null,
    note: null,
    itemsLeft: [],
    snapshot: null,
    ...over,
  };
}

function item(key: string, over: Partial<ReviewItem> = {}): ReviewItem {
  return {
    key,
    kind: 'finding',
    cluster: 'c1',
    namespace: 'shop',
    peerNamespace: null,
    workload: 'Deployment/web',
    severity: 'high',
    title: 'Port scan <b>',
    detail: 'from shop/web',
    findingId: 'f1',
    findingKey: 'port-scan|c1|shop|web',
    findingType: 'port-scan',
    state: 'new',
    start: T - H,
    end: T,
    ...over,
  };
}

function suppression(over: Partial<Suppression> = {}): Suppression {
  return {
    id: 's1',
    cluster: 'c1',
    findingType: 'misconfiguration',
    key: 'k1',
    namespace: 'shop',
    workload: null,
    reason: 'known batch job',
    owner: 'team-shop',
    createdBy: 'alice',
    createdAt: T,
    expiresAt: T + 7 * 24 * H,
    revokedAt: null,
    revokedBy: null,
    reviewId: 'r1',
    itemKey: 'finding:f1',
    ...over,
  };
}

export function describeReviewStoreContract(
  label: string,
  open: () => Promise<OpenedReviewStore>,
): void {
  describe(`ReviewStore contract: ${label}`, () => {
    const withStore = (fn: (s: ReviewStore) => Promise<void>) => async (): Promise<void> => {
      const o = await open();
      try {
        await fn(o.store);
      } finally {
        await o.cleanup();
      }
    };

    it(
      'creates, finds the open review by cluster and scope, and reads it back',
      withStore(async (s) => {
        await s.createReview(
          review({
            scope: ['b', 'a'],
            snapshot: {
              coverage: { 'a/Deployment/x': { ingress: true, egress: false } },
              lostEvents: {},
            },
          }),
        );
        expect(await s.openReview('c1', 'a,b')).toMatchObject({ id: 'r1', scope: ['b', 'a'] });
        expect(await s.openReview('c1', '*')).toBeNull();
        expect(await s.openReview('c2', 'a,b')).toBeNull();
        expect((await s.getReview('r1'))?.snapshot).toEqual({
          coverage: { 'a/Deployment/x': { ingress: true, egress: false } },
          lostEvents: {},
        });
        expect(await s.getReview('nope')).toBeNull();
      }),
    );

    it(
      'refuses a second open review for the same cluster and scope',
      withStore(async (s) => {
        await s.createReview(review());
        await expect(s.createReview(review({ id: 'r2' }))).rejects.toThrow();
        await s.createReview(review({ id: 'r3', cluster: 'c2' }));
      }),
    );

    it(
      'saves items with and without dispositions, replacing by key',
      withStore(async (s) => {
        await s.createReview(review());
        await s.saveItem('r1', {
          item: item('finding:f1'),
          disposition: null,
          suppressionId: null,
        });
        const decided: RecordedItem = {
          item: item('finding:f1'),
          disposition: {
            key: 'finding:f1',
            disposition: 'suspicious',
            reason: 'odd',
            actor: 'alice',
            at: T + 1,
            incidentId: 'inc-1',
            suppressionId: null,
          },
          suppressionId: null,
        };
        await s.saveItem('r1', decided);
        await s.saveItem('r1', {
          item: item('gap:hole:1', { kind: 'gap' }),
          disposition: null,
          suppressionId: 's9',
        });
        const items = await s.listItems('r1');
        expect(items).toHaveLength(2);
        expect(items.find((i) => i.item.key === 'finding:f1')).toEqual(decided);
        expect(items.find((i) => i.item.key === 'gap:hole:1')?.suppressionId).toBe('s9');
        expect(await s.itemsByKey('finding:f1')).toEqual([{ reviewId: 'r1', item: decided }]);
        expect(await s.itemsByKey('finding:none')).toEqual([]);
      }),
    );

    it(
      'signs off once, records items, and lists summaries with counts per disposition',
      withStore(async (s) => {
        await s.createReview(review());
        const rec = (key: string, d: RecordedItem['disposition']): RecordedItem => ({
          item: item(key),
          disposition: d,
          suppressionId: null,
        });
        const d = (key: string, disposition: 'expected' | 'false-positive') => ({
          key,
          disposition,
          reason: 'r',
          actor: 'alice',
          at: T,
          incidentId: null,
          suppressionId: null,
        });
        const input = {
          at: T + H,
          by: 'alice',
          note: 'all fine',
          itemsLeft: ['finding:c'],
          snapshot: { coverage: {}, lostEvents: { hubble: 3 } },
          items: [
            rec('finding:a', d('finding:a', 'expected')),
            rec('finding:b', d('finding:b', 'false-positive')),
            rec('finding:c', null),
          ],
        };
        const signed = await s.signOff('r1', input);
        expect(signed?.snapshot).toEqual(input.snapshot);
        expect(signed).toMatchObject({
          status: 'signed-off',
          signedOffAt: T + H,
          signedOffBy: 'alice',
          note: 'all fine',
          itemsLeft: ['finding:c'],
        });
        expect(await s.signOff('r1', input)).toBeNull();
        expect(await s.signOff('unknown', input)).toBeNull();
        expect(await s.openReview('c1', '*')).toBeNull();
        expect((await s.lastSignedOff('c1', '*'))?.id).toBe('r1');
        // A new open review may start once the previous one is signed off.
        await s.createReview(review({ id: 'r2', startedAt: T + 2 * H, periodStart: T + H }));
        const list = await s.listReviews({ cluster: ['c1'] });
        expect(list.map((r) => r.id)).toEqual(['r2', 'r1']);
        expect(list[1]).toMatchObject({
          itemCount: 3,
          counts: { expected: 1, 'false-positive': 1, none: 1, suspicious: 0, misconfiguration: 0 },
        });
        expect(
          (await s.listReviews({ status: 'signed-off', from: T, to: T + 2 * H })).map((r) => r.id),
        ).toEqual(['r1']);
        expect(await s.listReviews({ from: T + 3 * H })).toEqual([]);
        expect(await s.listReviews({ cluster: ['c2'] })).toEqual([]);
        expect(await s.deleteSignedOffBefore(T + 2 * H)).toBe(1);
        expect(await s.getReview('r1')).toBeNull();
        expect(await s.listItems('r1')).toEqual([]);
      }),
    );

    it(
      'keeps suppressions, lists those active at a time, and revokes once',
      withStore(async (s) => {
        await s.createSuppression(suppression());
        await s.createSuppression(
          suppression({
            id: 's2',
            cluster: 'c2',
            findingType: null,
            key: null,
            createdAt: T + 1,
            expiresAt: T + H,
          }),
        );
        expect(await s.getSuppression('s1')).toEqual(suppression());
        expect(await s.getSuppression('none')).toBeNull();
        expect((await s.listSuppressions()).map((x) => x.id)).toEqual(['s2', 's1']);
        expect((await s.listSuppressions({ cluster: ['c1'] })).map((x) => x.id)).toEqual(['s1']);
        expect((await s.listSuppressions({ activeAt: T + 2 * H })).map((x) => x.id)).toEqual([
          's1',
        ]);
        expect((await s.listSuppressions({ activeAt: T - 1 })).map((x) => x.id)).toEqual([]);
        const revoked = await s.revokeSuppression('s1', T + 5, 'bob');
        expect(revoked).toMatchObject({ revokedAt: T + 5, revokedBy: 'bob' });
        expect(await s.revokeSuppression('s1', T + 6, 'bob')).toBeNull();
        expect(await s.revokeSuppression('none', T + 6, 'bob')).toBeNull();
        expect((await s.listSuppressions({ activeAt: T + 10 })).map((x) => x.id)).toEqual(['s2']);
      }),
    );
  });
}
