/**
 * One review service per governance context, so the routes, the monitoring and the metrics share
 * it (its gauges are registered once on the context's registry).
 */
import type { GovernanceContext } from '../governance-context.js';
import { resolveReviewConfig } from './review-config.js';
import { registerReviewMetrics } from './review-metrics.js';
import { ReviewService } from './review-service.js';
import { reviewStoreFor } from './review-store-for.js';

const services = new WeakMap<GovernanceContext, ReviewService>();

export function reviewServiceFor(ctx: GovernanceContext): ReviewService {
  let s = services.get(ctx);
  if (!s) {
    s = new ReviewService(ctx, reviewStoreFor(ctx.store), resolveReviewConfig(ctx.config));
    registerReviewMetrics(ctx.registry, s);
    services.set(ctx, s);
  }
  return s;
}
