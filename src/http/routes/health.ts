import type { FastifyInstance } from 'fastify';

import type { AppServices } from '../app.js';

/** `/healthz`: the process is up. `/readyz`: the store answers. `/metrics`: Prometheus text. */
export function registerHealthRoutes(app: FastifyInstance, services: AppServices): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await services.ready().catch(() => false);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'store unavailable' });
  });
  app.get('/metrics', async (_req, reply) =>
    reply.type(services.metrics.contentType).send(await services.metrics.render()),
  );
}
