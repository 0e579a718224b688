/** Reconnect delays: exponential growth with full jitter, reset after a healthy connection. */
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly initial: number;
  private readonly max: number;
  private readonly random: () => number;

  constructor(opts: BackoffOptions = {}) {
    this.initial = Math.max(1, opts.initialMs ?? 500);
    this.max = Math.max(this.initial, opts.maxMs ?? 30_000);
    this.random = opts.random ?? Math.random;
  }

  /** The next delay: uniform in [cap/2, cap] so that retries never collapse to zero. */
  next(): number {
    const cap = Math.min(this.max, this.initial * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.round(cap / 2 + (this.random() * cap) / 2);
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
