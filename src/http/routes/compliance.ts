/** Routes for compliance evidence and reports (daily, monthly, annual; verify). */
import type { FastifyInstance } from 'fastify';

import type { GovernanceContext } from '../../services/governance-context.js';

export function registerComplianceRoutes(app: FastifyInstance, ctx: GovernanceContext): void {
  void app;
  void ctx;
}
