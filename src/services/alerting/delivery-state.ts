/**
 * Delivery state per receiver: what the UI (`GET /api/v1/alerts/status`) and `/metrics` show
 * about notifications that did or did not get through. Errors never carry a receiver's URL
 * (webhook URLs often hold a secret), only its host.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

export interface ReceiverStatus {
  receiver: string;
  kind: 'alertmanager' | 'webhook' | 'slack';
  /** Host (and port) the receiver posts to; never the path, which may hold a secret. */
  host: string;
  successes: number;
  failures: number;
  consecutiveFailures: number;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  lastError: string | null;
  /** When a failed delivery is retried next, or null. */
  nextRetryAt: number | null;
}

export class DeliveryTracker {
  private readonly byReceiver = new Map<string, ReceiverStatus>();
  private readonly sent: Counter<'receiver' | 'outcome'>;
  private readonly failuresTotal: Counter<'receiver'>;
  private readonly lastError: Gauge<'receiver'>;
  private readonly lastSuccess: Gauge<'receiver'>;
  private readonly failing: Gauge<'receiver'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.sent = new Counter({
      name: 'netsec_alert_notifications_total',
      help: 'Alert notification attempts per receiver and outcome (success, failure).',
      labelNames: ['receiver', 'outcome'],
      registers,
    });
    this.failuresTotal = new Counter({
      name: 'netsec_alert_delivery_failures_total',
      help: 'Failed alert deliveries per receiver (each retry counts).',
      labelNames: ['receiver'],
      registers,
    });
    this.lastError = new Gauge({
      name: 'netsec_alert_delivery_last_error_timestamp_seconds',
      help: 'Time of the last failed delivery per receiver (Unix seconds).',
      labelNames: ['receiver'],
      registers,
    });
    this.lastSuccess = new Gauge({
      name: 'netsec_alert_delivery_last_success_timestamp_seconds',
      help: 'Time of the last successful delivery per receiver (Unix seconds).',
      labelNames: ['receiver'],
      registers,
    });
    this.failing = new Gauge({
      name: 'netsec_alert_delivery_failing',
      help: '1 while the last delivery attempt to a receiver failed, else 0.',
      labelNames: ['receiver'],
      registers,
    });
  }

  register(receiver: string, kind: ReceiverStatus['kind'], url: string): void {
    this.byReceiver.set(receiver, {
      receiver,
      kind,
      host: new URL(url).host,
      successes: 0,
      failures: 0,
      consecutiveFailures: 0,
      lastSuccessAt: null,
      lastErrorAt: null,
      lastError: null,
      nextRetryAt: null,
    });
    // Series exist from the start, so a dashboard or rule sees 0 rather than nothing.
    this.failuresTotal.inc({ receiver }, 0);
    this.failing.set({ receiver }, 0);
  }

  success(receiver: string, now: number): void {
    const s = this.byReceiver.get(receiver);
    if (!s) return;
    s.successes++;
    s.consecutiveFailures = 0;
    s.lastSuccessAt = now;
    s.nextRetryAt = null;
    this.sent.inc({ receiver, outcome: 'success' });
    this.lastSuccess.set({ receiver }, now / 1000);
    this.failing.set({ receiver }, 0);
  }

  /** Records a failure; returns how many deliveries in a row have failed. */
  failure(receiver: string, now: number, error: string, nextRetryAt: number): number {
    const s = this.byReceiver.get(receiver);
    if (!s) return 1;
    s.failures++;
    s.consecutiveFailures++;
    s.lastErrorAt = now;
    s.lastError = error;
    s.nextRetryAt = nextRetryAt;
    this.sent.inc({ receiver, outcome: 'failure' });
    this.failuresTotal.inc({ receiver });
    this.lastError.set({ receiver }, now / 1000);
    this.failing.set({ receiver }, 1);
    return s.consecutiveFailures;
  }

  consecutiveFailures(receiver: string): number {
    return this.byReceiver.get(receiver)?.consecutiveFailures ?? 0;
  }

  snapshot(): ReceiverStatus[] {
    return [...this.byReceiver.values()].map((s) => ({ ...s }));
  }
}

/** Exponential backoff: 1 s, 2 s, 4 s … capped (no jitter: one process, few receivers). */
export function backoffMs(failures: number, baseMs = 1000, capMs = 300_000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1));
}

/**
 * POSTs JSON and throws on anything but a 2xx answer. The error names the host and status,
 * never the URL's path or query.
 */
export async function postJson(url: string, body: unknown, timeoutMs: number): Promise<void> {
  const host = new URL(url).host;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    throw new Error(`POST to ${host} failed: ${cause ?? (err as Error).name}`, { cause: err });
  }
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status >= 300)
    throw new Error(
      `POST to ${host}: HTTP ${res.status} ${text.slice(0, 200).replace(/\s+/g, ' ')}`,
    );
}
