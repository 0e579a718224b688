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
import { DetectionScheduler } from '../detection-scheduler.js';
import { findingStoreFor } from '../detection-store.js';
import type { IngestService } from '../ingest.js';
import type { Metrics } from '../metrics.js';
import { TrafficMetrics } from '../traffic-metrics.js';
import { resolveAlerting } from './alerting-config.js';
import { AlertingService } from './alerting-service.js';

export interface MonitoringLog {
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
  services: { store: FlowStore; ingest: IngestService; metrics: Metrics },
  config: Config,
  options: { log?: MonitoringLog; now?: () => number } = {},
): Monitoring {
  const log = options.log;
  const traffic = new TrafficMetrics(services.store, services.metrics.registry, {
    onError: (err) => log?.error({ err }, 'traffic metrics refresh failed'),
  });
  traffic.start();
  let findings;
  try {
    findings = findingStoreFor(services.store);
  } catch (err) {
    log?.warn({ err }, 'detection and alerting are off: this store keeps no findings');
    return { scheduler: null, alerting: null, traffic, stop: () => traffic.stop() };
  }
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
    },
    resolveAlerting(config),
  );
  const scheduler = new DetectionScheduler(deps, {
    // New findings are alerted on at once, not at the next evaluation interval.
    onRun: () => alerting.requestEvaluation(),
    onError: (err) => log?.error({ err }, 'detection run failed'),
  });
  const unsubscribe = services.ingest.onCommit(() => scheduler.dataArrived());
  scheduler.start();
  alerting.start();
  return {
    scheduler,
    alerting,
    traffic,
    stop: async () => {
      unsubscribe();
      await scheduler.stop();
      await alerting.stop();
      await traffic.stop();
    },
  };
}
