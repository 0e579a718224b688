import { afterEach, describe, expect, it } from 'vitest';

import {
  DAY,
  HOUR,
  reviewFinding,
  type ReviewHarness,
  reviewHarness,
  RT,
} from '../../testing/review-fixtures.js';
import { startMonitoring } from '../alerting/monitoring.js';
import { reviewServiceFor } from './review-service-for.js';

let h: ReviewHarness;
afterEach(async () => h.close());

const actor = { name: 'sec', ip: null };

describe('DailyReviewOverdue through the alerting service', () => {
  it('fires for a cluster never reviewed, resolves on sign-off, fires again after the cadence', async () => {
    h = await reviewHarness();
    const g = h.services.governance;
    await g.findings.upsertFindings([reviewFinding()]);
    const monitoring = startMonitoring(h.services, h.config, { now: () => h.clock.now });
    try {
      const alerting = monitoring.alerting!;
      const overdue = async (): Promise<string[]> =>
        (await alerting.evaluate(h.clock.now))
          .filter(
            (a) =>
              a.rule === 'DailyReviewOverdue' && a.resolvedAt === null && a.firingSince !== null,
          )
          .map((a) => a.labels['cluster'] ?? '');
      expect(await overdue()).toEqual(['prod']);
      const metrics = async (): Promise<string> => g.registry.metrics();
      expect(await metrics()).toMatch(/netsec_review_overdue\{cluster="prod"\} 1/);

      await reviewServiceFor(g).signOff('prod', { note: 'ok', acknowledgeOpen: true }, actor);
      expect(await overdue()).toEqual([]);
      const text = await metrics();
      expect(text).toMatch(/netsec_review_overdue\{cluster="prod"\} 0/);
      // The sign-off hook fed the alerting service's last-sign-off gauge (seconds).
      expect(text).toContain(
        `netsec_review_last_completed_timestamp_seconds{cluster="prod"} ${RT / 1000}`,
      );

      h.clock.now = RT + DAY + 3 * HOUR;
      expect(await overdue()).toEqual(['prod']);
      expect(await metrics()).toMatch(/netsec_review_overdue\{cluster="prod"\} 1/);
    } finally {
      await monitoring.stop();
    }
    expect(g.hooks.reviewSignedOff).toEqual([]);
  });
});
