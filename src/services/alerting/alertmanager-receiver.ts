/**
 * Delivery to Prometheus Alertmanager through its v2 API (`POST /api/v2/alerts`). Alertmanager
 * de-duplicates, groups and notifies on its own; what it needs from a client is every firing
 * alert re-sent well before its `endsAt` (or its `resolve_timeout`), and resolved alerts sent
 * once with `endsAt` in the past. So firing alerts go out every `resendMs` with `endsAt` four
 * resend intervals ahead (they expire on their own if this process dies), as Prometheus does.
 */
import type { AlertState } from '../../domain/detect/alert-eval.js';
import { backoffMs, type DeliveryTracker, postJson } from './delivery-state.js';

export interface AlertReceiver {
  readonly name: string;
  /** Hands over the firing alerts and those resolved by the last evaluation. */
  update(alerts: readonly AlertState[], now: number): void;
  /** Sends what is due (and retries what failed, after its backoff). */
  flush(now: number): Promise<void>;
}

/** One alert as Alertmanager's v2 API takes it (`postableAlert`). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

interface Entry {
  alert: AlertState;
  lastSentAt: number | null;
}

export class AlertmanagerReceiver implements AlertReceiver {
  private readonly entries = new Map<string, Entry>();
  private nextAttemptAt = -Infinity;

  constructor(
    readonly name: string,
    private readonly baseUrl: string,
    private readonly tracker: DeliveryTracker,
    private readonly resendMs: number,
    private readonly timeoutMs = 10_000,
  ) {
    tracker.register(name, 'alertmanager', baseUrl);
  }

  update(alerts: readonly AlertState[], _now: number): void {
    for (const a of alerts) {
      if (a.firingSince === null) continue;
      const prev = this.entries.get(a.fingerprint);
      const changed =
        !prev ||
        prev.alert.resolvedAt !== a.resolvedAt ||
        JSON.stringify(prev.alert.annotations) !== JSON.stringify(a.annotations);
      this.entries.set(a.fingerprint, { alert: a, lastSentAt: changed ? null : prev.lastSentAt });
    }
  }

  /** The body that would be posted now. */
  payload(now: number): PostableAlert[] {
    return [...this.entries.values()].map(({ alert: a }) => ({
      labels: a.labels,
      annotations: a.annotations,
      startsAt: new Date(a.activeSince).toISOString(),
      endsAt: new Date(a.resolvedAt ?? now + 4 * this.resendMs).toISOString(),
      generatorURL: a.generatorURL,
    }));
  }

  async flush(now: number): Promise<void> {
    if (now < this.nextAttemptAt || this.entries.size === 0) return;
    const due = [...this.entries.values()].some(
      (e) => e.lastSentAt === null || now - e.lastSentAt >= this.resendMs,
    );
    if (!due) return;
    const sending = [...this.entries.values()];
    try {
      await postJson(
        `${this.baseUrl.replace(/\/+$/, '')}/api/v2/alerts`,
        this.payload(now),
        this.timeoutMs,
      );
    } catch (err) {
      const failures = this.tracker.consecutiveFailures(this.name) + 1;
      this.nextAttemptAt = now + backoffMs(failures);
      this.tracker.failure(this.name, now, (err as Error).message, this.nextAttemptAt);
      return;
    }
    this.nextAttemptAt = -Infinity;
    this.tracker.success(this.name, now);
    for (const e of sending) {
      // A resolved alert is told once; a firing one is re-sent every resend interval.
      if (e.alert.resolvedAt !== null) {
        if (this.entries.get(e.alert.fingerprint) === e) this.entries.delete(e.alert.fingerprint);
      } else e.lastSentAt = now;
    }
  }
}
