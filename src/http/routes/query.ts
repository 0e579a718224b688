/**
 * `GET /api/v1/flows` and `GET /api/v1/summary`. Authorised by the auth plugin's declared
 * decision (flows:read); the query service given here reads through the guarded store, which
 * applies the caller's namespace scope.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';

import {
  describeQueryIssues,
  FlowQuerySchema,
  SummaryQuerySchema,
} from '../../api/query-schema.js';
import { InvalidQueryError } from '../../services/query.js';
import type { AppServices } from '../app.js';
import { sendError } from '../errors.js';

export function registerQueryRoutes(app: FastifyInstance, services: AppServices): void {
  app.get('/api/v1/flows', async (req, reply): Promise<FastifyReply> => {
    const q = FlowQuerySchema.safeParse(req.query);
    if (!q.success) {
      return sendError(reply, 400, 'bad_request', describeQueryIssues(q.error.issues).join('; '));
    }
    try {
      const page = await services.query.flows(q.data);
      return reply.send({ flows: page.flows, next: page.next, searchedTo: page.searchedTo });
    } catch (err) {
      if (err instanceof InvalidQueryError)
        return sendError(reply, 400, 'bad_request', err.message);
      throw err;
    }
  });

  app.get('/api/v1/summary', async (req, reply): Promise<FastifyReply> => {
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
