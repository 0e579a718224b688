/**
 * Starts the server: opens the store named by the configuration, builds the app with the
 * dashboard and web UI, listens, runs detection, alerting and the hourly retention job, and
 * shuts down cleanly on SIGINT / SIGTERM. `netsec serve` and `netsec demo` both start here, so
 * the two cannot drift apart.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { FastifyInstance } from 'fastify';

import type { Config } from '../api/config-schema.js';
import type { ClusterModel } from '../domain/netpol/index.js';
import { type Monitoring, startMonitoring } from '../services/alerting/monitoring.js';
import { buildServices, openFlowStore, type Services } from '../services/config-store.js';
import { loadEnricher } from '../services/enrichment.js';
import { JOB_NAMES, JobLeadership } from '../services/jobs/job-leadership.js';
import { createServerModel } from '../services/live-model/server-model.js';
import { applyRecordsRetention } from '../services/records-retention.js';
import { buildApp } from './app.js';

const RETENTION_INTERVAL_MS = 3_600_000;
/** The built UI beside the compiled server: dist/http/server.js → web/dist. */
const WEB_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

export interface StartServerOptions {
  handleSignals?: boolean;
  /**
   * A cluster model already in hand (the demo's); otherwise `ingest.manifests` is loaded. With
   * config `kubernetes` the live watch replaces it once its first list is complete.
   */
  model?: ClusterModel;
  /** The data is simulated: the UI and `/api/v1/info` say so. */
  demo?: boolean;
  /** Extra fields for `GET /api/v1/info`. */
  info?: Record<string, unknown>;
  /** Start detection, alerting and retention later with `startJobs()` (the demo's backfill). */
  deferJobs?: boolean;
  /** Print a generated first-admin password (default true). */
  announceAdmin?: boolean;
  /** How often replicas on one PostgreSQL database renew and try for job leadership (ms). */
  jobCheckMs?: number;
}

export interface RunningServer {
  app: FastifyInstance;
  services: Services;
  url: string;
  admin: { created: boolean; generatedPassword: string | null };
  /** Starts monitoring and retention; called by `startServer` unless `deferJobs`. Idempotent. */
  startJobs(): void;
  /** Which background jobs this replica runs (null before `startJobs`). */
  jobLeadership(): JobLeadership | null;
  /** Detection and alerting of this replica (null before `startJobs`). */
  monitoring(): Monitoring | null;
  close(): Promise<void>;
}

async function clusterModel(
  config: Config,
  given: ClusterModel | undefined,
  log: string[],
): Promise<ClusterModel | null> {
  if (given) return given;
  // Manifests load before the store opens: a bad path fails the start, not the first request.
  const loaded = await loadEnricher(config);
  if (!loaded) return null;
  for (const w of loaded.warnings) log.push(`manifests: ${w}`);
  log.push(`cluster model: ${loaded.files} files, ${loaded.podsWithIp} pods with an IP`);
  return loaded.model;
}

/** @example const s = await startServer(loadConfig({ env: process.env })); console.log(s.url) */
export async function startServer(
  config: Config,
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const notes: string[] = [];
  // One holder for the model: the live watch (config `kubernetes`) replaces it while we run.
  const serverModel = await createServerModel(
    config,
    await clusterModel(config, options.model, notes),
  );
  const enricher = serverModel.enricher;
  const services = buildServices(
    await openFlowStore(config, { readWorkers: config.store.readWorkers }),
    {
      config,
      ...(enricher ? { enricher } : {}),
      model: serverModel.model,
      ingestWorkers: config.ingest.workers,
      ingestWorkerNice: config.ingest.workerNice,
    },
  );
  let monitoring: Monitoring | null = null;
  const demo = options.demo ?? false;
  const app = await buildApp(
    { ...services, config },
    {
      info: { demo, simulated: demo, ...options.info },
      dashboard: {
        demo,
        now: Date.now,
        ...(serverModel.policy ? { policy: serverModel.policy } : {}),
      },
      ...(existsSync(resolve(WEB_DIST, 'index.html')) ? { webDistDir: WEB_DIST } : {}),
      alertStatus: () => monitoring?.alerting?.status() ?? null,
    },
  );
  for (const n of notes) app.log.info(n);
  serverModel.start(services, app.log);
  // The first admin: NETSEC_ADMIN_PASSWORD, or a generated password shown here once.
  const admin = await services.auth.users.bootstrapAdmin(config.admin.password);
  if (admin.generatedPassword && (options.announceAdmin ?? true))
    process.stdout.write(
      `First start: created user "admin" with the generated password ${admin.generatedPassword}\n` +
        'It is shown only this once and only its hash is stored; sign in and keep it safe.\n',
    );
  let url: string;
  try {
    url = await app.listen({ host: config.server.host, port: config.server.port });
  } catch (err) {
    await serverModel.stop();
    await app.close();
    await services.close();
    throw err;
  }

  let leadership: JobLeadership | null = null;
  const retention = async (): Promise<void> => {
    // Replicas on one PostgreSQL database: only the retention leader deletes.
    if (!leadership?.isLeader('retention')) return;
    try {
      const r = await services.store.applyRetention(Date.now(), {
        rawMs: config.retention.raw,
        rollup1mMs: config.retention.rollup1m,
        rollup1hMs: config.retention.rollup1h,
      });
      const records = await applyRecordsRetention(services.governance, Date.now());
      app.log.info({ retention: r, records }, 'retention applied');
    } catch (err) {
      app.log.error({ err }, 'retention failed');
    }
  };
  let timer: NodeJS.Timeout | null = null;
  const startJobs = (): void => {
    if (timer) return;
    timer = setInterval(() => void retention(), RETENTION_INTERVAL_MS);
    timer.unref();
    // One replica at a time runs detection, alerting and retention (always this one on SQLite).
    const lead = new JobLeadership(services.store, JOB_NAMES, {
      registry: services.metrics.registry,
      ...(options.jobCheckMs !== undefined ? { checkMs: options.jobCheckMs } : {}),
      onError: (err) => app.log.error({ err }, 'job leadership check failed'),
    });
    leadership = lead;
    lead.onChange((job, leader) => {
      if (lead.coordinated) app.log.info({ job, leader }, 'job leadership changed');
      if (job === 'retention' && leader) void retention();
    });
    // Incremental detection, the alerting loop and the traffic series on /metrics.
    monitoring = startMonitoring(services, config, { log: app.log, leadership: lead });
    void lead.start();
  };
  if (!options.deferJobs) startJobs();

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      if (timer) clearInterval(timer);
      await monitoring?.stop();
      // Frees the leader locks: another replica takes the jobs over at its next check.
      await leadership?.stop();
      await serverModel.stop();
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
  return {
    app,
    services,
    url,
    admin,
    startJobs,
    jobLeadership: () => leadership,
    monitoring: () => monitoring,
    close,
  };
}
