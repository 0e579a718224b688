/** JSON error replies. Every error, including a body parser's, ends as `{error, message}`. */
import type { FastifyInstance, FastifyReply } from 'fastify';

import type { Config } from '../api/config-schema.js';
import type { ApiError } from '../api/ingest-schema.js';
import { classifyStorageError, type StorageFailure } from '../services/ingest.js';

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

/**
 * 503 with `Retry-After`: the store cannot write (disk full, read-only, I/O error, lock held,
 * database unreachable). Nothing was committed; the same request may be sent again.
 */
export function storageUnavailable(
  reply: FastifyReply,
  failure: StorageFailure,
  advice = 'nothing was saved',
): FastifyReply {
  void reply.header('retry-after', String(failure.retryAfterSeconds));
  return sendError(
    reply,
    503,
    'store_unavailable',
    `the store cannot write (${failure.kind}); ${advice}; retry after ${failure.retryAfterSeconds} s`,
    { reason: failure.kind, retryAfterSeconds: failure.retryAfterSeconds },
  );
}

/** Seconds a refused ingest request is asked to wait: about what a full queue takes to store. */
export const OVERLOADED_RETRY_AFTER_SECONDS = 2;

/**
 * 503 with `Retry-After`: the server is already ingesting as much as `ingest.maxInFlightBytes`
 * allows. Nothing of the body was read into the store; the same request may be sent again.
 */
export function overloaded(
  reply: FastifyReply,
  inFlightBytes: number,
  maxBytes: number,
): FastifyReply {
  const wait = OVERLOADED_RETRY_AFTER_SECONDS;
  void reply.header('retry-after', String(wait));
  return sendError(
    reply,
    503,
    'overloaded',
    `the server is ingesting ${inFlightBytes} bytes of bodies, its limit is ${maxBytes} (ingest.maxInFlightBytes); nothing was saved; retry after ${wait} s with the same Idempotency-Key`,
    { reason: 'overloaded', retryAfterSeconds: wait, inFlightBytes, limitBytes: maxBytes },
  );
}

export function installErrorHandler(app: FastifyInstance, config: Config): void {
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) {
      return tooLarge(reply, config.server.bodyLimitBytes);
    }
    const status = err.statusCode ?? 500;
    // Any route (a token check that records its last use, a sign-off) can meet a full disk.
    const storage = status >= 500 ? classifyStorageError(err) : null;
    if (storage) {
      req.log.warn({ err }, 'store cannot write');
      return storageUnavailable(reply, storage);
    }
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
