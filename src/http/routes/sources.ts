/** Routes for source health (GET /api/v1/sources) and the policy-change journal. */
import type { FastifyInstance } from 'fastify';

import { PolicyChangesQuerySchema, type SourcesResponse } from '../../api/source-schema.js';
import { accessScopeOf } from '../../services/auth/index.js';
import type { GovernanceContext } from '../../services/governance-context.js';
import { listPolicyChanges } from '../../services/live-model/policy-changes-service.js';
import {
  DEFAULT_SOURCE_THRESHOLDS,
  listSourceStatuses,
} from '../../services/live-model/source-health.js';
import { need } from '../auth/route-policy.js';

export function registerSourceRoutes(app: FastifyInstance, ctx: GovernanceContext): void {
  app.get(
    '/api/v1/sources',
    { config: { authz: need('flows:read') } },
    async (): Promise<SourcesResponse> => ({
      now: ctx.now(),
      sources: await listSourceStatuses(ctx),
      thresholds: DEFAULT_SOURCE_THRESHOLDS,
    }),
  );

  app.get(
    '/api/v1/policy-changes',
    { config: { authz: need('flows:read') } },
    async (req, reply) => {
      const q = PolicyChangesQuerySchema.safeParse(req.query);
      if (!q.success)
        return reply.code(400).send({ error: 'invalid query', issues: q.error.issues });
      return listPolicyChanges(ctx, q.data, accessScopeOf(req.principal));
    },
  );
}
