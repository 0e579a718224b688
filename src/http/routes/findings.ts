/** Routes for findings list and detail (GET /api/v1/findings, /api/v1/findings/:id). */
import type { FastifyInstance } from 'fastify';

import type { GovernanceContext } from '../../services/governance-context.js';

export function registerFindingRoutes(app: FastifyInstance, ctx: GovernanceContext): void {
  void app;
  void ctx;
}
