/**
 * `GET /api/v1/findings` and `GET /api/v1/findings/:id` (flows:read). Developers see only
 * findings whose namespace or peer namespace is in their scope; others answer 404.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

import { FindingDetailQuerySchema, FindingListQuerySchema } from '../../api/finding-schema.js';
import { describeQueryIssues } from '../../api/query-schema.js';
import { accessScopeOf } from '../../services/auth/index.js';
import { findingDetail, listFindingViews } from '../../services/findings/finding-views.js';
import type { GovernanceContext } from '../../services/governance-context.js';
import { need } from '../auth/route-policy.js';
import { sendError } from '../errors.js';

export function registerFindingRoutes(app: FastifyInstance, ctx: GovernanceContext): void {
  const read = { config: { authz: need('flows:read') } };

  app.get('/api/v1/findings', read, async (req, reply): Promise<FastifyReply> => {
    const q = FindingListQuerySchema.safeParse(req.query);
    if (!q.success)
      return sendError(reply, 400, 'bad_request', describeQueryIssues(q.error.issues).join('; '));
    return reply.send(await listFindingViews(ctx, q.data, accessScopeOf(req.principal)));
  });

  app.get<{ Params: { id: string } }>(
    '/api/v1/findings/:id',
    read,
    async (req, reply): Promise<FastifyReply> => {
      const q = FindingDetailQuerySchema.safeParse(req.query);
      if (!q.success)
        return sendError(reply, 400, 'bad_request', describeQueryIssues(q.error.issues).join('; '));
      const detail = await findingDetail(
        ctx,
        req.params.id,
        accessScopeOf(req.principal),
        q.data.cursor,
      );
      if (!detail) return sendError(reply, 404, 'not_found', 'no such finding');
      return reply.send(detail);
    },
  );
}
