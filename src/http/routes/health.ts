import type { FastifyInstance } from 'fastify';

import type { AppServices } from '../app.js';

/**
 * `/healthz`: the process is up. `/readyz`: the store answers and can write (the reason when
 * not). `/metrics`: Prometheus text.
 */
export function registerHealthRoutes(app: FastifyInstance, services: AppServices): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await services.ready().catch(() => false);
    if (ok) return reply.code(200).send({ status: 'ready' });
    const { failure } = services.ingest.storage.state();
    return reply.code(503).send({
      status: failure ? `store cannot write (${failure.kind})` : 'store unavailable',
    });
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type(services.metrics.contentType).send(await services.metrics.render()),
  );
}
