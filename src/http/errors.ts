/** JSON error replies. Every error, including a body parser's, ends as `{error, message}`. */
import type { FastifyInstance, FastifyReply } from 'fastify';

import type { Config } from '../api/config-schema.js';
import type { ApiError } from '../api/ingest-schema.js';

export function sendError(
  reply: FastifyReply,
  status: number,
  error: string,
  message: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  const body: ApiError = { error, message, ...extra };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

export function tooLarge(reply: FastifyReply, limitBytes: number, what = 'body'): FastifyReply {
  return sendError(
    reply,
    413,
    'payload_too_large',
    `the ${what} exceeds the limit of ${limitBytes} bytes`,
    { limitBytes },
  );
}

export function installErrorHandler(app: FastifyInstance, config: Config): void {
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      return tooLarge(reply, config.server.bodyLimitBytes);
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      req.log.error({ err }, 'request failed');
      return sendError(reply, status, 'internal', 'the request could not be processed');
    }
    return sendError(reply, status, 'bad_request', err.message);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, 404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`),
  );
}
