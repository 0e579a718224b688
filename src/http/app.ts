/**
 * Builds the Fastify app from injected services. Nothing here opens a store or a port, so tests
 * build the app around a temporary store and listen on port 0 (`server.ts` does the real start).
 */
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';

import type { Config } from '../api/config-schema.js';
import type { IngestService } from '../services/ingest.js';
import type { Metrics } from '../services/metrics.js';
import type { QueryService } from '../services/query.js';
import type { TokenService } from '../services/tokens.js';
import { installErrorHandler } from './errors.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerIngestRoute } from './routes/ingest.js';
import { registerQueryRoutes } from './routes/query.js';

export interface AppServices {
  config: Config;
  ingest: IngestService;
  tokens: TokenService;
  query: QueryService;
  metrics: Metrics;
  /** True when the store answers. */
  ready(): Promise<boolean>;
}

export interface BuildAppOptions {
  /** pino options, or false for no logs (tests). Default: the configured level. */
  logger?: FastifyServerOptions['logger'];
}

/** @example const app = await buildApp(services); await app.listen({ port: 0 }) */
export async function buildApp(
  services: AppServices,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? {
      level: services.config.log.level,
      redact: ['req.headers.authorization'],
    },
    bodyLimit: services.config.server.bodyLimitBytes,
    // Large ingest bodies take a while to commit; the default would cut them off.
    requestTimeout: 120_000,
  });
  await app.register(helmet);
  installErrorHandler(app, services.config);
  registerHealthRoutes(app, services);
  await app.register(async (scope) => registerIngestRoute(scope, services));
  registerQueryRoutes(app, services);
  return app;
}
