/**
 * `POST /api/v1/ingest?format=<f>[&cluster=<c>]`: an NDJSON body (gzip accepted), a bearer
 * ingest token, an optional `Idempotency-Key`. The reply is sent only after the store committed.
 */
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import {
  IdempotencyKeySchema,
  IngestQuerySchema,
  type IngestReply,
} from '../../api/ingest-schema.js';
import { namedCidrsFor } from '../../services/config.js';
import {
  INGEST_FORMATS,
  isIngestFormat,
  StorageUnavailableError,
  TooManyLinesError,
} from '../../services/ingest.js';
import { IngestAdmission } from '../../services/ingest-admission.js';
import type { AppServices } from '../app.js';
import { requireToken } from '../auth.js';
import { overloaded, sendError, storageUnavailable, tooLarge } from '../errors.js';

const gunzipAsync = promisify(gunzip);
const MAX_REPLY_ERRORS = 20;

async function decodeBody(
  req: FastifyRequest,
  reply: FastifyReply,
  maxBytes: number,
): Promise<Buffer | null> {
  const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding === 'identity') return raw;
  if (encoding !== 'gzip') {
    await sendError(reply, 415, 'unsupported_encoding', 'Content-Encoding must be gzip or absent');
    return null;
  }
  try {
    return await gunzipAsync(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      await tooLarge(reply, maxBytes, 'decompressed body');
    } else {
      await sendError(reply, 400, 'bad_gzip', 'the body is not valid gzip');
    }
    return null;
  }
}

export function registerIngestRoute(app: FastifyInstance, services: AppServices): void {
  const { config } = services;
  const admission = services.ingestAdmission ?? new IngestAdmission(config.ingest.maxInFlightBytes);
  // Bodies are read as bytes whatever their Content-Type: NDJSON is not JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // Before the body is read: a declared length that cannot be admitted is refused at once, so
  // that a burst is not first buffered in memory only to be turned away.
  const refuseEarly = async (req: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    if (reply.sent) return reply;
    const declared = Number(req.headers['content-length']);
    if (Number.isSafeInteger(declared) && declared > 0 && admission.refuses(declared)) {
      const { bytes, maxBytes } = admission.state();
      return overloaded(reply, bytes, maxBytes);
    }
    return undefined;
  };
  app.post(
    '/api/v1/ingest',
    { onRequest: [requireToken(services.tokens), refuseEarly] },
    async (req, reply): Promise<FastifyReply> => {
      const q = IngestQuerySchema.safeParse(req.query);
      if (!q.success) {
        const first = q.error.issues[0];
        return sendError(reply, 400, 'bad_request', first ? first.message : 'bad query', {
          accepted: INGEST_FORMATS,
        });
      }
      const { format } = q.data;
      if (!isIngestFormat(format)) {
        return sendError(
          reply,
          400,
          'unknown_format',
          `unknown format ${JSON.stringify(format)}; accepted formats: ${INGEST_FORMATS.join(', ')}`,
          { accepted: INGEST_FORMATS },
        );
      }
      const tokenCluster = req.ingestToken?.cluster ?? null;
      if (tokenCluster && q.data.cluster && q.data.cluster !== tokenCluster) {
        return sendError(
          reply,
          403,
          'forbidden',
          `this token may only ingest for cluster ${tokenCluster}`,
        );
      }
      const cluster = q.data.cluster ?? tokenCluster ?? config.ingest.defaultCluster;
      const keyHeader = req.headers['idempotency-key'];
      let key: string | undefined;
      if (keyHeader !== undefined) {
        const k = IdempotencyKeySchema.safeParse(keyHeader);
        if (!k.success) {
          return sendError(
            reply,
            400,
            'bad_idempotency_key',
            `Idempotency-Key: ${k.error.issues[0]?.message}`,
          );
        }
        key = k.data;
      }
      const body = await decodeBody(req, reply, config.ingest.maxDecompressedBytes);
      if (body === null) return reply;
      // Refused before any parsing when the bodies in flight are at the limit: a burst waits in
      // the collectors' buffers instead of this process's memory.
      const release = admission.tryAdmit(body.length);
      if (!release) {
        const { bytes, maxBytes } = admission.state();
        return overloaded(reply, bytes, maxBytes);
      }

      const maxLines = config.ingest.maxBatchLines;
      try {
        const result = await services.ingest.ingestBody(body, {
          format,
          cluster,
          namedCidrs: namedCidrsFor(config, cluster),
          batchSize: config.ingest.batchSize,
          maxErrors: MAX_REPLY_ERRORS,
          maxLines,
          ...(key !== undefined ? { idempotencyKey: key } : {}),
        });
        const c = result.counts;
        const answer: IngestReply = {
          accepted: c.flows,
          rejected: c.rejected,
          skipped: c.skipped,
          duplicate: c.batches > 0 && c.duplicateBatches === c.batches,
          stored: c.stored,
          lostEvents: c.lostEvents,
          errors: result.errors.map((e) => ({
            line: e.line,
            ...(e.field !== undefined ? { field: e.field } : {}),
            message: e.message,
          })),
        };
        return reply.code(200).send(answer);
      } catch (err) {
        if (err instanceof TooManyLinesError) {
          return sendError(reply, 413, 'too_many_lines', err.message, { limitLines: maxLines });
        }
        if (err instanceof StorageUnavailableError) {
          req.log.warn({ err }, 'store cannot write; nothing acknowledged');
          return storageUnavailable(
            reply,
            err.failure,
            'the batch was not committed: send it again with the same Idempotency-Key',
          );
        }
        req.log.error({ err }, 'ingest failed; nothing acknowledged');
        return sendError(
          reply,
          500,
          'internal',
          'the batch was not committed; retry with the same Idempotency-Key',
        );
      } finally {
        release();
      }
    },
  );
}
