/**
 * The daily review: the current review of a cluster (items computed live), dispositions,
 * sign-off, history and suppressions. Reading needs flows:read (developers see their
 * namespaces only); writing needs reviews:write. docs/reviews.md.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { describeQueryIssues } from '../../api/query-schema.js';
import {
  CurrentReviewQuerySchema,
  DispositionBodySchema,
  ReviewHistoryQuerySchema,
  SignOffBodySchema,
  SuppressionQuerySchema,
} from '../../api/review-schema.js';
import { accessScopeOf } from '../../services/auth/index.js';
import { suppressionView } from '../../services/findings/finding-views.js';
import type { GovernanceContext } from '../../services/governance-context.js';
import { ReviewError } from '../../services/review/review-errors.js';
import type { ReviewActor, ReviewService } from '../../services/review/review-service.js';
import { reviewServiceFor } from '../../services/review/review-service-for.js';
import { need } from '../auth/route-policy.js';
import { sendError } from '../errors.js';

const actorOf = (req: FastifyRequest): ReviewActor => ({
  name: req.principal?.name ?? 'unknown',
  ip: req.ip,
});

async function clusterFor(
  reviews: ReviewService,
  ctx: GovernanceContext,
  given: string | undefined,
): Promise<{ cluster: string; clusters: string[] }> {
  const clusters = await reviews.clusters();
  return { cluster: given ?? clusters[0] ?? ctx.config.ingest.defaultCluster, clusters };
}

function bad(reply: FastifyReply, issues: Parameters<typeof describeQueryIssues>[0]): FastifyReply {
  return sendError(reply, 400, 'bad_request', describeQueryIssues(issues).join('; '));
}

async function handled(reply: FastifyReply, fn: () => Promise<unknown>): Promise<FastifyReply> {
  try {
    return reply.send(await fn());
  } catch (err) {
    if (err instanceof ReviewError)
      return sendError(
        reply,
        err.status,
        err.status === 404 ? 'not_found' : err.status === 409 ? 'conflict' : 'bad_request',
        err.message,
        err.details ?? {},
      );
    throw err;
  }
}

export function registerReviewRoutes(app: FastifyInstance, ctx: GovernanceContext): void {
  const reviews = (): ReviewService => reviewServiceFor(ctx);
  const read = { config: { authz: need('flows:read') } };
  const write = { config: { authz: need('reviews:write') } };

  app.get('/api/v1/reviews/current', read, async (req, reply) => {
    const q = CurrentReviewQuerySchema.safeParse(req.query);
    if (!q.success) return bad(reply, q.error.issues);
    const s = reviews();
    const { cluster, clusters } = await clusterFor(s, ctx, q.data.cluster);
    const current = await s.current(cluster, accessScopeOf(req.principal));
    return reply.send({ ...current, clusters, suppressionMaxDays: s.config.suppressionMaxDays });
  });

  app.post<{ Params: { key: string } }>(
    '/api/v1/reviews/current/items/:key/disposition',
    write,
    async (req, reply) => {
      const b = DispositionBodySchema.safeParse(req.body ?? {});
      if (!b.success) return bad(reply, b.error.issues);
      const s = reviews();
      const { cluster } = await clusterFor(s, ctx, b.data.cluster);
      const { cluster: _c, ...input } = b.data;
      return handled(reply, () => s.dispose(cluster, req.params.key, input, actorOf(req)));
    },
  );

  app.post('/api/v1/reviews/current/signoff', write, async (req, reply) => {
    const b = SignOffBodySchema.safeParse(req.body ?? {});
    if (!b.success) return bad(reply, b.error.issues);
    const s = reviews();
    const { cluster } = await clusterFor(s, ctx, b.data.cluster);
    return handled(reply, () => s.signOff(cluster, b.data, actorOf(req)));
  });

  app.get('/api/v1/reviews', read, async (req, reply) => {
    const q = ReviewHistoryQuerySchema.safeParse(req.query);
    if (!q.success) return bad(reply, q.error.issues);
    const { cluster, ...rest } = q.data;
    const list = await reviews().history({ ...rest, ...(cluster ? { cluster: [cluster] } : {}) });
    return reply.send({ reviews: list });
  });

  app.get<{ Params: { id: string } }>('/api/v1/reviews/:id', read, async (req, reply) => {
    const r = await reviews().get(req.params.id, accessScopeOf(req.principal));
    if (!r) return sendError(reply, 404, 'not_found', 'no such review');
    return reply.send(r);
  });

  app.get('/api/v1/suppressions', read, async (req, reply) => {
    const q = SuppressionQuerySchema.safeParse(req.query);
    if (!q.success) return bad(reply, q.error.issues);
    const scope = accessScopeOf(req.principal);
    const now = ctx.now();
    const list = (
      await reviews().suppressions(
        q.data.cluster ? [q.data.cluster] : undefined,
        q.data.active === 'true',
      )
    )
      .filter(
        (s) =>
          !scope?.namespaces || (s.namespace !== null && scope.namespaces.includes(s.namespace)),
      )
      .map((s) => suppressionView(s, now));
    return reply.send({ suppressions: list });
  });

  app.delete<{ Params: { id: string } }>('/api/v1/suppressions/:id', write, async (req, reply) => {
    const s = reviews();
    const existing = await s.store.getSuppression(req.params.id);
    if (!existing) return sendError(reply, 404, 'not_found', 'no such suppression');
    const revoked = await s.revoke(req.params.id, actorOf(req));
    if (!revoked) return sendError(reply, 409, 'conflict', 'the suppression was already revoked');
    return reply.send(suppressionView(revoked, ctx.now()));
  });
}
