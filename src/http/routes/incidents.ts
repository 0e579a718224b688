/** Routes for incidents: create, timeline, notify developers, quarantine, escalation; namespace owners. */
import type { FastifyInstance } from 'fastify';

import type { GovernanceContext } from '../../services/governance-context.js';

export function registerIncidentRoutes(app: FastifyInstance, ctx: GovernanceContext): void {
  void app;
  void ctx;
}
