/**
 * `netsec_review_overdue{cluster}` (0/1) on /metrics, computed at each scrape. The last sign-off
 * time is `netsec_review_last_completed_timestamp_seconds`, kept by the alerting service
 * (fed through the `reviewSignedOff` hook), so it is not registered twice.
 */
import { Gauge, type Registry } from 'prom-client';

import type { ReviewService } from './review-service.js';

export function registerReviewMetrics(registry: Registry, service: ReviewService): void {
  if (registry.getSingleMetric('netsec_review_overdue')) return;
  new Gauge({
    name: 'netsec_review_overdue',
    help: 'Whether the daily review of a cluster is overdue (last sign-off + cadence + grace has passed; never signed off counts as overdue).',
    labelNames: ['cluster'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const { cluster, due } of await service.overduePerCluster())
          this.set({ cluster }, due.overdue ? 1 : 0);
      } catch {
        // A store without review tables: no series rather than a failed scrape.
      }
    },
  });
}
