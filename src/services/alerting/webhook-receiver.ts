/**
 * Delivery to a webhook (generic JSON or Slack-compatible), with the notification behaviour
 * Alertmanager users know: alerts grouped by labels, a group announced `groupWait` after its
 * first alert, changes (new or resolved alerts) at most every `groupInterval`, and an unchanged
 * firing group repeated every `repeatInterval`. An alert already told in its state is not told
 * again (de-duplication). A failed post is retried with exponential backoff.
 */
import type { AlertState } from '../../domain/detect/alert-eval.js';
import type { AlertReceiver } from './alertmanager-receiver.js';
import { backoffMs, type DeliveryTracker, postJson } from './delivery-state.js';
import { type GroupNotification, jsonBody, slackBody } from './webhook-format.js';

export interface NotifyTiming {
  groupBy: readonly string[];
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

interface Member {
  alert: AlertState;
  /** The state last told to the receiver, or null. */
  told: 'firing' | 'resolved' | null;
}

interface Group {
  key: string;
  labels: Record<string, string>;
  members: Map<string, Member>;
  createdAt: number;
  lastNotifiedAt: number | null;
  nextAttemptAt: number;
}

const state = (a: AlertState): 'firing' | 'resolved' =>
  a.resolvedAt === null ? 'firing' : 'resolved';

export class WebhookReceiver implements AlertReceiver {
  private readonly groups = new Map<string, Group>();

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly format: 'json' | 'slack',
    private readonly timing: NotifyTiming,
    private readonly tracker: DeliveryTracker,
    private readonly externalUrl: string,
    private readonly timeoutMs = 10_000,
  ) {
    tracker.register(name, format === 'slack' ? 'slack' : 'webhook', url);
  }

  update(alerts: readonly AlertState[], now: number): void {
    for (const a of alerts) {
      if (a.firingSince === null) continue;
      const labels: Record<string, string> = {};
      for (const k of this.timing.groupBy) if (a.labels[k] !== undefined) labels[k] = a.labels[k];
      const key = JSON.stringify(Object.entries(labels).sort());
      let g = this.groups.get(key);
      if (!g) {
        if (a.resolvedAt !== null) continue;
        g = {
          key,
          labels,
          members: new Map(),
          createdAt: now,
          lastNotifiedAt: null,
          nextAttemptAt: -Infinity,
        };
        this.groups.set(key, g);
      }
      const m = g.members.get(a.fingerprint);
      // Resolved before it was ever told: nobody needs to hear about it.
      if (a.resolvedAt !== null && (!m || m.told === null)) g.members.delete(a.fingerprint);
      else if (m) m.alert = a;
      else g.members.set(a.fingerprint, { alert: a, told: null });
    }
    for (const [k, g] of this.groups) if (g.members.size === 0) this.groups.delete(k);
  }

  private dueAt(g: Group): number {
    if (g.lastNotifiedAt === null) return g.createdAt + this.timing.groupWaitMs;
    const members = [...g.members.values()];
    if (members.some((m) => m.told !== state(m.alert)))
      return g.lastNotifiedAt + this.timing.groupIntervalMs;
    if (members.some((m) => state(m.alert) === 'firing'))
      return g.lastNotifiedAt + this.timing.repeatIntervalMs;
    return Infinity;
  }

  async flush(now: number): Promise<void> {
    for (const g of [...this.groups.values()]) {
      if (now < g.nextAttemptAt || now < this.dueAt(g)) continue;
      const members = [...g.members.values()];
      const notification: GroupNotification = {
        receiver: this.name,
        groupKey: g.key,
        groupLabels: g.labels,
        alerts: members.map((m) => m.alert),
        externalUrl: this.externalUrl,
        now,
      };
      const sent = new Map(members.map((m) => [m.alert.fingerprint, state(m.alert)]));
      const body = this.format === 'slack' ? slackBody(notification) : jsonBody(notification);
      try {
        await postJson(this.url, body, this.timeoutMs);
      } catch (err) {
        const failures = this.tracker.consecutiveFailures(this.name) + 1;
        g.nextAttemptAt = now + backoffMs(failures);
        this.tracker.failure(this.name, now, (err as Error).message, g.nextAttemptAt);
        continue;
      }
      this.tracker.success(this.name, now);
      g.lastNotifiedAt = now;
      g.nextAttemptAt = -Infinity;
      for (const m of members) {
        // What was sent is what was told, even if the alert changed while the post was out.
        m.told = sent.get(m.alert.fingerprint) ?? m.told;
        if (m.told === 'resolved' && state(m.alert) === 'resolved')
          g.members.delete(m.alert.fingerprint);
      }
      if (g.members.size === 0) this.groups.delete(g.key);
    }
  }
}
