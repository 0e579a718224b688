/**
 * `GET /api/v1/flows` and `GET /api/v1/summary`. Temporary: guarded by a bearer ingest token
 * until the access-control work replaces it with user sessions and namespace scoping.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

import {
  describeQueryIssues,
  FlowQuerySchema,
  SummaryQuerySchema,
} from '../../api/query-schema.js';
import { InvalidQueryError } from '../../services/query.js';
import type { AppServices } from '../app.js';
import { requireToken } from '../auth.js';
import { sendError } from '../errors.js';

export function registerQueryRoutes(app: FastifyInstance, services: AppServices): void {
  const auth = requireToken(services.tokens);

  app.get('/api/v1/flows', { onRequest: auth }, async (req, reply): Promise<FastifyReply> => {
    const q = FlowQuerySchema.safeParse(req.query);
    if (!q.success) {
      return sendError(reply, 400, 'bad_request', describeQueryIssues(q.error.issues).join('; '));
    }
    try {
      const page = await services.query.flows(q.data);
      return reply.send({ flows: page.flows, next: page.next });
    } catch (err) {
      if (err instanceof InvalidQueryError)
        return sendError(reply, 400, 'bad_request', err.message);
      throw err;
    }
  });

  app.get('/api/v1/summary', { onRequest: auth }, async (req, reply): Promise<FastifyReply> => {
    const q = SummaryQuerySchema.safeParse(req.query);
    if (!q.success) {
      return sendError(reply, 400, 'bad_request', describeQueryIssues(q.error.issues).join('; '));
    }
    try {
      return reply.send(await services.query.summary(q.data));
    } catch (err) {
      if (err instanceof InvalidQueryError)
        return sendError(reply, 400, 'bad_request', err.message);
      throw err;
    }
  });
}
