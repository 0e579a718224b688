/**
 * The alerting loop: evaluates the rules over rollups, findings and review status, hands the
 * resulting alerts to every receiver, and sends what is due. Time comes from an injectable
 * clock and every step can be driven by hand (`tick(now)`), so tests need no real waiting.
 * @example
 * const alerting = new AlertingService({ store, findings, registry: metrics.registry }, resolveAlerting(config));
 * alerting.start(); scheduler.onRun = () => void alerting.evaluate(); … await alerting.stop();
 */
import { Gauge, type Registry } from 'prom-client';

import {
  type AlertState,
  type DropCount,
  evaluateAlerts,
  type ReviewStatus,
} from '../../domain/detect/alert-eval.js';
import type { DropRule } from '../../domain/detect/alert-rules.js';
import type { FindingStore } from '../../store/finding-store.js';
import type { FlowStore } from '../../store/flow-store.js';
import { loadAlertFindings, loadDropCounts } from './alert-inputs.js';
import type { ResolvedAlerting } from './alerting-config.js';
import { AlertmanagerReceiver, type AlertReceiver } from './alertmanager-receiver.js';
import { DeliveryTracker, type ReceiverStatus } from './delivery-state.js';
import { WebhookReceiver } from './webhook-receiver.js';

export interface AlertingDeps {
  store: FlowStore;
  findings: FindingStore;
  registry: Registry;
  now?: () => number;
  /** Review status per cluster, from the review feature; absent: only `reportReview` feeds it. */
  reviews?: () => Promise<ReviewStatus[] | null>;
}

export interface AlertingStatus {
  enabled: boolean;
  lastEvaluationAt: number | null;
  lastEvaluationError: string | null;
  alerts: { firing: number; pending: number };
  receivers: ReceiverStatus[];
}

/** How long closed findings are still read, so their alerts resolve at the finding's end. */
const RECENT_FINDINGS_MS = 6 * 3_600_000;
const TICK_MS = 1_000;

export class AlertingService {
  private states = new Map<string, AlertState>();
  private readonly receivers: AlertReceiver[] = [];
  private readonly tracker: DeliveryTracker;
  private readonly reviewed = new Map<string, number>();
  private readonly alertsGauge: Gauge<'alertname' | 'severity' | 'state'>;
  private readonly findingsGauge: Gauge<
    'cluster' | 'namespace' | 'workload' | 'type' | 'finding_severity'
  >;
  private readonly reviewGauge: Gauge<'cluster'>;
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private lastEvaluationAt: number | null = null;
  private lastEvaluationError: string | null = null;
  private evaluationRequested = false;
  private readonly clock: () => number;

  constructor(
    private readonly deps: AlertingDeps,
    readonly config: ResolvedAlerting,
  ) {
    this.clock = deps.now ?? Date.now;
    this.tracker = new DeliveryTracker(deps.registry);
    const registers = [deps.registry];
    this.alertsGauge = new Gauge({
      name: 'netsec_alerts',
      help: 'Alerts by rule, severity and state (pending, firing), at the last evaluation.',
      labelNames: ['alertname', 'severity', 'state'],
      registers,
    });
    this.findingsGauge = new Gauge({
      name: 'netsec_findings_open',
      help: 'Open findings by cluster, namespace, workload, type and severity, at the last evaluation.',
      // finding_severity, not severity: alert rules over this series set their own severity.
      labelNames: ['cluster', 'namespace', 'workload', 'type', 'finding_severity'],
      registers,
    });
    this.reviewGauge = new Gauge({
      name: 'netsec_review_last_completed_timestamp_seconds',
      help: 'When the daily review of a cluster was last signed off (Unix seconds).',
      labelNames: ['cluster'],
      registers,
    });
    if (config.alertmanager)
      this.receivers.push(
        new AlertmanagerReceiver(
          'alertmanager',
          config.alertmanager.url,
          this.tracker,
          config.alertmanager.resendMs,
        ),
      );
    for (const w of config.webhooks)
      this.receivers.push(
        new WebhookReceiver(
          w.name,
          w.url,
          w.format,
          config.timing,
          this.tracker,
          config.externalUrl,
        ),
      );
  }

  /**
   * The input of `DailyReviewOverdue`, for the review feature to call when a review is signed
   * off. Until some cluster has been reported (or `deps.reviews` is given), the rule is idle.
   */
  reportReview(cluster: string, at: number): void {
    this.reviewed.set(cluster, Math.max(at, this.reviewed.get(cluster) ?? -Infinity));
    this.reviewGauge.set({ cluster }, at / 1000);
  }

  private async reviews(): Promise<ReviewStatus[] | null> {
    if (this.deps.reviews) return this.deps.reviews();
    if (this.reviewed.size === 0) return null;
    return [...this.reviewed].map(([cluster, lastReviewAt]) => ({ cluster, lastReviewAt }));
  }

  /** Evaluates every rule at `now` and hands the alerts to the receivers. */
  async evaluate(now: number = this.clock()): Promise<AlertState[]> {
    const drops = new Map<DropRule, DropCount[]>();
    for (const rule of this.config.rules)
      if (rule.kind === 'drops' && rule.enabled)
        drops.set(rule, await loadDropCounts(this.deps.store, rule, now));
    const findings = await loadAlertFindings(this.deps.findings, now, RECENT_FINDINGS_MS);
    const inputs = {
      now,
      drops: (r: DropRule) => drops.get(r) ?? [],
      findings,
      reviews: await this.reviews(),
    };
    this.states = evaluateAlerts(this.config.rules, inputs, this.states, this.config);
    const alerts = [...this.states.values()];
    for (const r of this.receivers) r.update(alerts, now);
    this.lastEvaluationAt = now;
    this.alertsGauge.reset();
    for (const a of alerts) {
      if (a.resolvedAt !== null) continue;
      const state = a.firingSince === null ? 'pending' : 'firing';
      this.alertsGauge.inc({ alertname: a.rule, severity: a.labels['severity'] ?? '', state });
    }
    this.findingsGauge.reset();
    for (const f of findings) {
      if (f.status !== 'open') continue;
      const labels = {
        cluster: f.subject.cluster,
        namespace: f.subject.namespace ?? '',
        workload: f.subject.workload ?? '',
        type: f.type,
        finding_severity: f.severity,
      };
      this.findingsGauge.inc(labels);
    }
    return alerts;
  }

  /** Makes the next tick evaluate (new findings are alerted on without waiting). */
  requestEvaluation(): void {
    this.evaluationRequested = true;
  }

  /** Sends whatever is due to every receiver. */
  async flush(now: number = this.clock()): Promise<void> {
    await Promise.all(this.receivers.map((r) => r.flush(now)));
  }

  /** One step of the loop: evaluate when due, then deliver. Steps never overlap. */
  async tick(now: number = this.clock()): Promise<void> {
    if (this.busy) return;
    this.busy = (async () => {
      try {
        if (
          this.evaluationRequested ||
          this.lastEvaluationAt === null ||
          now - this.lastEvaluationAt >= this.config.evaluationIntervalMs
        ) {
          this.evaluationRequested = false;
          try {
            await this.evaluate(now);
            this.lastEvaluationError = null;
          } catch (err) {
            this.lastEvaluationAt = now;
            this.lastEvaluationError = (err as Error).message;
          }
        }
        await this.flush(now);
      } finally {
        this.busy = null;
      }
    })();
    await this.busy;
  }

  start(): void {
    if (this.timer || !this.config.enabled) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.busy;
  }

  status(): AlertingStatus {
    const live = [...this.states.values()].filter((a) => a.resolvedAt === null);
    return {
      enabled: this.config.enabled,
      lastEvaluationAt: this.lastEvaluationAt,
      lastEvaluationError: this.lastEvaluationError,
      alerts: {
        firing: live.filter((a) => a.firingSince !== null).length,
        pending: live.filter((a) => a.firingSince === null).length,
      },
      receivers: this.tracker.snapshot(),
    };
  }
}
