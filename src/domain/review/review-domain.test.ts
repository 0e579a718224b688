import { describe, expect, it } from 'vitest';

import { holeItems, peerNamespace } from './items.js';
import { reviewDue } from './overdue.js';
import { inScope, scopeKey } from './scope.js';
import { expiryProblem, suppressionCovers } from './suppression.js';
import type { ReviewItem } from './types.js';

const DAY = 86_400_000;

describe('review domain', () => {
  it('reads a peer namespace only from ns/workload peers', () => {
    expect(peerNamespace('payments/Deployment/api')).toBe('payments');
    expect(peerNamespace('10.0.0.0/8')).toBeNull();
    expect(peerNamespace('203.0.113.7')).toBeNull();
    expect(peerNamespace('world')).toBeNull();
    expect(peerNamespace(null)).toBeNull();
  });

  it('finds runs of empty minutes at least the gap long, not null steps', () => {
    const steps = Array.from({ length: 10 }, (_, i) => i * 60_000);
    const values = [1, 0, 0, 0, 1, null, null, null, 0, 0];
    const holes = holeItems('c', steps, values, 60_000, 2);
    expect(holes.map((h) => [h.start, h.end])).toEqual([
      [60_000, 240_000],
      [480_000, 600_000],
    ]);
    expect(holeItems('c', steps, values, 60_000, 4)).toEqual([]);
  });

  it('bounds suppression expiry and matches narrowly', () => {
    expect(expiryProblem(1000 + DAY, 1000, 90)).toBeNull();
    expect(expiryProblem(1000, 1000, 90)).toMatch(/future/);
    expect(expiryProblem(1000 + 91 * DAY, 1000, 90)).toMatch(/90 days/);
    expect(expiryProblem(Number.NaN, 1000, 90)).toMatch(/future/);
    const item = {
      cluster: 'c',
      findingType: 'port-scan',
      findingKey: 'k',
      key: 'finding:1',
      namespace: 'shop',
      workload: 'Deployment/web',
    } as ReviewItem;
    const m = {
      cluster: 'c',
      findingType: 'port-scan' as const,
      key: 'k',
      namespace: 'shop',
      workload: null,
    };
    expect(suppressionCovers(m, item)).toBe(true);
    expect(suppressionCovers({ ...m, cluster: 'd' }, item)).toBe(false);
    expect(suppressionCovers({ ...m, key: 'other' }, item)).toBe(false);
    expect(suppressionCovers({ ...m, namespace: 'pay' }, item)).toBe(false);
  });

  it('is overdue after cadence plus grace, and when never signed off', () => {
    expect(reviewDue(null, 5, DAY, 0).overdue).toBe(true);
    expect(reviewDue(0, DAY + 1000, DAY, 2000).overdue).toBe(false);
    expect(reviewDue(0, DAY + 2001, DAY, 2000)).toMatchObject({
      overdue: true,
      overdueSince: DAY + 2000,
    });
  });

  it('names scopes canonically', () => {
    expect(scopeKey(null)).toBe('*');
    expect(scopeKey(['b', 'a', 'b'])).toBe('a,b');
    expect(inScope(['a'], null)).toBe(true);
    expect(inScope(['a'], 'b')).toBe(false);
  });
});
