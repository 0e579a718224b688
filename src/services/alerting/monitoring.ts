/**
 * Everything that watches the data once the server runs: incremental detection (after each
 * ingest commit and every minute), the alerting loop, and the traffic series on /metrics.
 * The server and the demo start it with one call.
 * @example
 * const monitoring = startMonitoring(services, config, { log: app.log });
 * … await monitoring.stop();
 */
import type { Config } from '../../api/config-schema.js';
import { resolveDetectOptions } from '../../domain/detect/options.js';
import type { FlowStore } from '../../store/flow-store.js';
import { SqliteFlowStore } from '../../store/sqlite/sqlite-store.js';
import { DetectionScheduler } from '../detection-scheduler.js';
import { findingStoreFor, keepsFindings } from '../detection-store.js';
import { DetectionThread } from '../detection-thread.js';
import type { GovernanceContext } from '../governance-context.js';
import type { IngestService } from '../ingest.js';
import type { JobLeadership } from '../jobs/job-leadership.js';
import type { Metrics } from '../metrics.js';
import type { ReviewService } from '../review/review-service.js';
import { reviewServiceFor } from '../review/review-service-for.js';
import { TrafficMetrics } from '../traffic-metrics.js';
import { resolveAlerting } from './alerting-config.js';
import { AlertingService } from './alerting-service.js';

export interface MonitoringLog {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface Monitoring {
  scheduler: DetectionScheduler | null;
  alerting: AlertingService | null;
  traffic: TrafficMetrics;
  stop(): Promise<void>;
}

export function startMonitoring(
  services: {
    store: FlowStore;
    ingest: IngestService;
    metrics: Metrics;
    /** With it, the daily review feeds DailyReviewOverdue and the last sign-off gauge. */
    governance?: GovernanceContext;
  },
  config: Config,
  options: {
    log?: MonitoringLog;
    now?: () => number;
    /** Replicas sharing a database: detection and alerting run only while this one leads them. */
    leadership?: JobLeadership;
  } = {},
): Monitoring {
  const log = options.log;
  const traffic = new TrafficMetrics(services.store, services.metrics.registry, {
    onError: (err) => log?.error({ err }, 'traffic metrics refresh failed'),
  });
  traffic.start();
  if (!keepsFindings(services.store)) {
    log?.warn({}, 'detection and alerting are off: this store keeps no findings');
    return { scheduler: null, alerting: null, traffic, stop: () => traffic.stop() };
  }
  const findings = findingStoreFor(services.store);
  const reviews = services.governance ? reviewServiceFor(services.governance) : null;
  const deps = {
    store: services.store,
    findings,
    options: resolveDetectOptions(config.detection ?? {}),
    ...(options.now ? { now: options.now } : {}),
  };
  const alerting = new AlertingService(
    {
      store: services.store,
      findings,
      registry: services.metrics.registry,
      ...(options.now ? { now: options.now } : {}),
      ...(reviews ? { reviews: () => reviews.statusPerCluster().catch(() => null) } : {}),
    },
    resolveAlerting(config),
  );
  const unhook =
    reviews && services.governance
      ? feedReviewGauge(services.governance, reviews, alerting)
      : () => undefined;
  // A SQLite file store computes detection on a thread of its own (detection-thread.ts).
  const thread =
    services.store instanceof SqliteFlowStore
      ? DetectionThread.open({ path: services.store.path, options: deps.options })
      : null;
  const scheduler = new DetectionScheduler(deps, {
    ...(thread ? { compute: (range, now) => thread.run(range, now) } : {}),
    // New findings are alerted on at once, not at the next evaluation interval.
    onRun: (run) => {
      log?.debug(
        {
          from: new Date(run.from).toISOString(),
          to: new Date(run.to).toISOString(),
          findings: run.findings.length,
          deniedEvents: run.deniedEvents,
          truncated: run.truncated,
          series: run.series,
          allowedReused: run.allowedReused,
          historyKept: run.historyKept,
          elapsedMs: Math.round(run.elapsedMs),
          phasesMs: Object.fromEntries(
            Object.entries(run.phases).map(([k, v]) => [k, Math.round(v)]),
          ),
          onThread: thread !== null,
          heapUsedMb: run.heapUsedMb,
          mainHeapUsedMb: Math.round(process.memoryUsage().heapUsed / 1_048_576),
        },
        'detection run',
      );
      alerting.requestEvaluation();
    },
    onError: (err) => log?.error({ err }, 'detection run failed'),
  });
  const lead = options.leadership;
  const leads = (job: string): boolean => !lead || lead.isLeader(job);
  const unsubscribe = services.ingest.onCommit(() => {
    if (leads('detection')) scheduler.dataArrived();
  });
  if (leads('detection')) scheduler.start();
  if (leads('alerting')) alerting.start();
  // Another replica may lead now and this one later (it died or stopped), or the reverse.
  const unfollow =
    lead?.onChange((job, leader) => {
      const runner = job === 'detection' ? scheduler : job === 'alerting' ? alerting : null;
      if (!runner) return;
      if (!leader) return void runner.stop();
      runner.start();
      // A replica taking over catches up at once rather than at the next interval.
      if (runner === scheduler) scheduler.dataArrived();
    }) ?? ((): void => undefined);
  return {
    scheduler,
    alerting,
    traffic,
    stop: async () => {
      unhook();
      unfollow();
      unsubscribe();
      // Closing the thread ends a run in progress at once; the scheduler does not report it.
      const stopped = scheduler.stop();
      await thread?.close();
      await stopped;
      await alerting.stop();
      await traffic.stop();
    },
  };
}

/**
 * Sign-offs update the alerting service's last-sign-off gauge at once (the overdue rule reads
 * `statusPerCluster` itself); the gauge starts from the stored sign-offs.
 */
function feedReviewGauge(
  ctx: GovernanceContext,
  reviews: ReviewService,
  alerting: AlertingService,
): () => void {
  const hook = (cluster: string, at: number): void => alerting.reportReview(cluster, at);
  ctx.hooks.reviewSignedOff.push(hook);
  void reviews
    .statusPerCluster()
    .then((list) => {
      for (const r of list)
        if (r.lastReviewAt !== null) alerting.reportReview(r.cluster, r.lastReviewAt);
    })
    .catch(() => undefined);
  return () => {
    const i = ctx.hooks.reviewSignedOff.indexOf(hook);
    if (i >= 0) ctx.hooks.reviewSignedOff.splice(i, 1);
  };
}
