/** Routes for source health (GET /api/v1/sources) and the policy-change journal. */
import type { FastifyInstance } from 'fastify';

import type { GovernanceContext } from '../../services/governance-context.js';

export function registerSourceRoutes(app: FastifyInstance, ctx: GovernanceContext): void {
  void app;
  void ctx;
}
