/**
 * Bearer ingest tokens. Until the access-control work lands, the same token also guards the
 * read routes (`/api/v1/flows`, `/api/v1/summary`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { IngestTokenRecord, TokenService } from '../services/tokens.js';
import { sendError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    ingestToken?: IngestTokenRecord;
  }
}

/** An `onRequest` hook: runs before the body is read, so an anonymous client cannot make us buffer. */
export function requireToken(
  tokens: TokenService,
): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (req, reply) => {
    const record = await tokens.verifyBearer(req.headers.authorization);
    if (!record) {
      reply.header('www-authenticate', 'Bearer realm="netsec"');
      await sendError(reply, 401, 'unauthorized', 'a valid bearer token is required');
      return;
    }
    req.ingestToken = record;
  };
}
