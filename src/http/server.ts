/**
 * Starts the server: opens the store named by the configuration, builds the app, listens, runs
 * the retention job hourly, and shuts down cleanly on SIGINT / SIGTERM.
 */
import type { FastifyInstance } from 'fastify';

import type { Config } from '../api/config-schema.js';
import { startMonitoring } from '../services/alerting/monitoring.js';
import { buildServices, openFlowStore, type Services } from '../services/config-store.js';
import { loadEnricher } from '../services/enrichment.js';
import { buildApp } from './app.js';
import { registerAlertStatusRoute } from './routes/alerts-status.js';

const RETENTION_INTERVAL_MS = 3_600_000;

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  url: string;
  close(): Promise<void>;
}

/** @example const s = await startServer(loadConfig({ env: process.env })); console.log(s.url) */
export async function startServer(
  config: Config,
  options: { handleSignals?: boolean } = {},
): Promise<RunningServer> {
  // Manifests load before the store opens: a bad path fails the start, not the first request.
  const enrichment = await loadEnricher(config);
  const services = buildServices(await openFlowStore(config), {
    config,
    ...(enrichment ? { enricher: enrichment.enricher } : {}),
  });
  const app = await buildApp({ ...services, config });
  // Incremental detection, the alerting loop and the traffic series on /metrics.
  const monitoring = startMonitoring(services, config, { log: app.log });
  registerAlertStatusRoute(app, () => monitoring.alerting?.status() ?? null);
  if (enrichment) {
    for (const w of enrichment.warnings) app.log.warn(`manifests: ${w}`);
    app.log.info(
      { files: enrichment.files, podsWithIp: enrichment.podsWithIp },
      'cluster model loaded; ingested endpoints are enriched from it',
    );
  }
  // The first admin: NETSEC_ADMIN_PASSWORD, or a generated password shown here once.
  const admin = await services.auth.users.bootstrapAdmin(config.admin.password);
  if (admin.generatedPassword)
    process.stdout.write(
      `First start: created user "admin" with the generated password ${admin.generatedPassword}\n` +
        'It is shown only this once and only its hash is stored; sign in and keep it safe.\n',
    );
  const url = await app.listen({ host: config.server.host, port: config.server.port });

  const retention = async (): Promise<void> => {
    try {
      const r = await services.store.applyRetention(Date.now(), {
        rawMs: config.retention.raw,
        rollup1mMs: config.retention.rollup1m,
        rollup1hMs: config.retention.rollup1h,
      });
      app.log.info({ retention: r }, 'retention applied');
    } catch (err) {
      app.log.error({ err }, 'retention failed');
    }
  };
  void retention();
  const timer = setInterval(() => void retention(), RETENTION_INTERVAL_MS);
  timer.unref();

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      clearInterval(timer);
      await monitoring.stop();
      await app.close();
      await services.close();
    })();
    return closing;
  };
  if (options.handleSignals ?? true) {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      process.once(sig, () => {
        app.log.info(`${sig}: shutting down`);
        void close().then(() => process.exit(0));
      });
    }
  }
  return { app, services, url, close };
}
