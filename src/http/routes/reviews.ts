/** Routes for daily review: items since the last review, dispositions, suppressions, sign-off. */
import type { FastifyInstance } from 'fastify';

import type { GovernanceContext } from '../../services/governance-context.js';

export function registerReviewRoutes(app: FastifyInstance, ctx: GovernanceContext): void {
  void app;
  void ctx;
}
