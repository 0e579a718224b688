/**
 * Builds the Fastify app from injected services. Nothing here opens a store or a port, so tests
 * build the app around a temporary store and listen on port 0 (`server.ts` does the real start).
 * The auth plugin goes first: every route registered after it, here or by the caller, carries
 * a declared authorisation decision (src/http/auth/route-policy.ts).
 */
import { readFileSync } from 'node:fs';

import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';

import type { Config } from '../api/config-schema.js';
import type { AlertingStatus } from '../services/alerting/alerting-service.js';
import { accessScopeOf, type AuthServices } from '../services/auth/index.js';
import type { DashboardDeps } from '../services/dashboard/index.js';
import type { GovernanceContext } from '../services/governance-context.js';
import type { IngestService } from '../services/ingest.js';
import type { IngestAdmission } from '../services/ingest-admission.js';
import type { Metrics } from '../services/metrics.js';
import { QueryService } from '../services/query.js';
import type { TokenService } from '../services/tokens.js';
import { type CollectedRoute, installAuth } from './auth/plugin.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerDashboardRoutes } from './dashboard-routes.js';
import { installErrorHandler } from './errors.js';
import { registerAlertStatusRoute } from './routes/alerts-status.js';
import { registerComplianceRoutes } from './routes/compliance.js';
import { registerFindingRoutes } from './routes/findings.js';
import { registerHealthRoutes } from './routes/health.js';
import { registerIncidentRoutes } from './routes/incidents.js';
import { registerIngestRoute } from './routes/ingest.js';
import { registerQueryRoutes } from './routes/query.js';
import { registerReviewRoutes } from './routes/reviews.js';
import { registerSourceRoutes } from './routes/sources.js';
import { registerWebUi } from './web-ui.js';

export interface AppServices {
  config: Config;
  ingest: IngestService;
  /** Bounds the ingest bodies in flight; without it, the route makes its own (no metrics). */
  ingestAdmission?: IngestAdmission;
  tokens: TokenService;
  query: QueryService;
  metrics: Metrics;
  auth: AuthServices;
  /** Reviews, incidents, compliance, reports and source health. */
  governance: GovernanceContext;
  /** True when the store answers. */
  ready(): Promise<boolean>;
}

export interface BuildAppOptions {
  /** pino options, or false for no logs (tests). Default: the configured level. */
  logger?: FastifyServerOptions['logger'];
  /** The dashboard API; its store is replaced by the guarded (scoped) view. */
  dashboard?: Omit<DashboardDeps, 'store'>;
  /** The built web UI to serve. */
  webDistDir?: string;
  /** `GET /api/v1/info` body (the demo flag for UI and API clients). */
  info?: Record<string, unknown>;
  /** Alert delivery state for `GET /api/v1/alerts/status`; null while alerting is off. */
  alertStatus?: () => AlertingStatus | null;
  /** Receives every route as it is registered (the authorisation matrix test). */
  onRoute?: (route: CollectedRoute) => void;
}

/** Scripts from our own origin only: no inline script, no eval. */
const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  // React and uPlot set style attributes; styles cannot run code.
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

function httpsOptions(config: Config): { cert: Buffer; key: Buffer } | null {
  const { tlsCert, tlsKey } = config.server;
  if (!tlsCert && !tlsKey) return null;
  if (!tlsCert || !tlsKey) throw new Error('server.tlsCert and server.tlsKey must be set together');
  return { cert: readFileSync(tlsCert), key: readFileSync(tlsKey) };
}

/** @example const app = await buildApp(services); await app.listen({ port: 0 }) */
export async function buildApp(
  services: AppServices,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const https = httpsOptions(services.config);
  const app = Fastify({
    logger: options.logger ?? {
      level: services.config.log.level,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
    },
    // Every route has a body limit: this one, or a smaller one of its own (auth routes).
    bodyLimit: services.config.server.bodyLimitBytes,
    // Large ingest bodies take a while to commit; the default would cut them off.
    requestTimeout: 120_000,
    ...(https ? { https } : {}),
  } as FastifyServerOptions);
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
    hsts: https ? { maxAge: 31_536_000 } : false,
  });
  await app.register(rateLimit, { global: false });
  // API answers name pods, addresses and users: no browser or proxy may keep a copy. Routes
  // that set their own Cache-Control keep it.
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    return payload;
  });
  installErrorHandler(app, services.config);
  await installAuth(app, {
    auth: services.auth,
    secure: https !== null,
    ...(options.onRoute ? { onRouteCollected: options.onRoute } : {}),
  });
  registerHealthRoutes(app, services);
  await app.register(async (scope) => registerIngestRoute(scope, services));
  // Reads go through the guarded store: the caller's scope applies inside the service.
  const query = new QueryService(
    services.auth.guardedStore,
    Date.now,
    services.config.retention.rollup1m,
    services.config.server.flowSearchMs,
  );
  registerQueryRoutes(app, { ...services, query });
  registerAuthRoutes(app, services.auth);
  if (options.info) {
    const info = options.info;
    app.get('/api/v1/info', async () => info);
  }
  registerAlertStatusRoute(app, options.alertStatus ?? (() => null));
  if (options.dashboard) {
    registerDashboardRoutes(app, {
      ...options.dashboard,
      store: services.auth.guardedStore,
      scopeOf: (req) => accessScopeOf(req.principal),
      flowSearchMs: services.config.server.flowSearchMs,
      // The answer cache (`server.answerCacheMs`, default 5 s) drops its entries when new
      // data is committed, at most once per lifetime.
      cache: {
        ttlMs: services.config.server.answerCacheMs,
        onCommit: (listener) => services.ingest.onCommit(listener),
        registry: services.metrics.registry,
      },
    });
  }
  // Each feature registers its own routes, each with its own authorisation decision.
  registerFindingRoutes(app, services.governance);
  registerReviewRoutes(app, services.governance);
  registerIncidentRoutes(app, services.governance);
  registerComplianceRoutes(app, services.governance);
  registerSourceRoutes(app, services.governance);
  if (options.webDistDir) registerWebUi(app, { distDir: options.webDistDir });
  return app;
}
