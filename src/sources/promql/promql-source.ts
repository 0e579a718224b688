/**
 * calico-accountant counters and Hubble metrics from a Prometheus-compatible API (Prometheus,
 * Thanos, Mimir): `query_range` of the raw counters at a fixed step.
 * - accountant series become an exposition dump with sample timestamps, which the accountant
 *   parser turns into per-step deltas (counter resets included);
 * - Hubble series become domain flows here (hubble-metrics.ts), sent as native lines.
 * Each query starts with the previous one's last step, so each batch carries its own baseline
 * and is parsed alone. Series are grouped by their `cluster` label when they have one.
 */
import { Backoff, sleep } from '../backoff.js';
import type { Source, SourceHealthSnapshot, SourceOptions, SourceSink } from '../source.js';
import { HealthTracker } from '../source-health.js';
import {
  HUBBLE_SELECTOR,
  type HubbleContext,
  hubbleMetricsToFlows,
  type MatrixSeries,
} from './hubble-metrics.js';

export const ACCOUNTANT_SELECTOR =
  '{__name__=~"no_policy_drop_counter|policy_accept_counter|policy_accept_drop_counter"}';

export interface PromqlSourceOptions extends SourceOptions {
  /** Base URL of the API, e.g. `http://prometheus:9090` or Thanos Query / Mimir's prefix. */
  url: string;
  stepMs?: number;
  intervalMs?: number;
  /** Query this far behind now, so that the last scrapes have landed. */
  delayMs?: number;
  /** First query starts here (epoch ms); default: `lookbackMs` before now. */
  sinceMs?: number | null;
  lookbackMs?: number;
  /** Extra label matchers, e.g. `cluster="prod"` (added inside the selector). */
  matchers?: string;
  headers?: Record<string, string>;
  fetchFn?: typeof fetch;
  /** Which families to read (default both; a family with no series yields nothing). */
  families?: readonly ('accountant' | 'hubble')[];
  /** What Hubble's `source` / `destination` labels hold (default: guessed from the value). */
  hubbleContext?: { source?: HubbleContext; destination?: HubbleContext };
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Matrix series → exposition lines with millisecond timestamps, per cluster label. */
export function matrixToDumps(series: readonly MatrixSeries[]): Map<string | null, string[]> {
  const out = new Map<string | null, string[]>();
  for (const s of series) {
    const { __name__: name, ...labels } = s.metric;
    if (!name || !/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) continue;
    const text = Object.entries(labels)
      .filter(([k]) => /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(k))
      .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
      .join(',');
    const cluster = labels['cluster'] ?? null;
    const lines = out.get(cluster) ?? [];
    out.set(cluster, lines);
    for (const [t, v] of s.values) lines.push(`${name}{${text}} ${v} ${Math.round(t * 1000)}`);
  }
  return out;
}

export class PromqlAccountantSource implements Source {
  readonly kind = 'promql' as const;
  private readonly tracker: HealthTracker;
  private readonly now: () => number;
  private readonly step: number;
  /** End of the last delivered range (ms, aligned to the step). */
  private last: number | null = null;

  constructor(
    readonly name: string,
    private readonly opts: PromqlSourceOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.step = Math.max(1000, opts.stepMs ?? 60_000);
    this.tracker = new HealthTracker(name, 'promql', this.now);
  }

  health(): SourceHealthSnapshot {
    return this.tracker.get();
  }

  private selector(base: string): string {
    if (!this.opts.matchers) return base;
    return base.replace(/}$/, `,${this.opts.matchers}}`);
  }

  private async queryRange(selector: string, start: number, end: number): Promise<MatrixSeries[]> {
    const url = new URL(
      'api/v1/query_range',
      this.opts.url.endsWith('/') ? this.opts.url : `${this.opts.url}/`,
    );
    url.searchParams.set('query', this.selector(selector));
    url.searchParams.set('start', String(start / 1000));
    url.searchParams.set('end', String(end / 1000));
    url.searchParams.set('step', `${this.step / 1000}s`);
    const res = await (this.opts.fetchFn ?? fetch)(url, {
      headers: { accept: 'application/json', ...this.opts.headers },
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json().catch(() => null)) as {
      status?: string;
      error?: string;
      data?: { resultType?: string; result?: MatrixSeries[] };
    } | null;
    if (!res.ok || body?.status !== 'success' || body.data?.resultType !== 'matrix') {
      throw new Error(`query_range: HTTP ${res.status} ${body?.error ?? ''}`.trim());
    }
    return body.data.result ?? [];
  }

  /** Queries from the last delivered step (its baseline) to now − delay, and delivers. */
  async pollOnce(sink: SourceSink): Promise<void> {
    const align = (t: number): number => Math.floor(t / this.step) * this.step;
    const end = align(this.now() - (this.opts.delayMs ?? 60_000));
    const start =
      this.last ?? align(this.opts.sinceMs ?? end - (this.opts.lookbackMs ?? 3_600_000));
    if (end <= start) return;
    const families = this.opts.families ?? ['accountant', 'hubble'];
    // Both queries succeed before anything is delivered, so a retry repeats the same range.
    const accountant = families.includes('accountant')
      ? await this.queryRange(ACCOUNTANT_SELECTOR, start, end)
      : [];
    const hubble = families.includes('hubble')
      ? await this.queryRange(HUBBLE_SELECTOR, start, end)
      : [];
    this.tracker.connected();
    for (const [cluster, lines] of matrixToDumps(accountant)) {
      await sink.write({
        format: 'accountant',
        lines,
        newestDataAt: end,
        key: `promql:${cluster ?? ''}:${start}-${end}`,
        ...(cluster !== null ? { cluster } : {}),
      });
      this.tracker.delivered(lines.length, end);
    }
    const flows = hubbleMetricsToFlows(hubble, {
      cluster: this.opts.cluster,
      stepMs: this.step,
      ...(this.opts.hubbleContext?.source ? { sourceContext: this.opts.hubbleContext.source } : {}),
      ...(this.opts.hubbleContext?.destination
        ? { destinationContext: this.opts.hubbleContext.destination }
        : {}),
    });
    const byCluster = new Map<string, string[]>();
    for (const f of flows) {
      const lines = byCluster.get(f.cluster) ?? [];
      byCluster.set(f.cluster, lines);
      lines.push(JSON.stringify({ v: 1, ...f }));
    }
    for (const [cluster, lines] of byCluster) {
      await sink.write({
        format: 'native',
        lines,
        newestDataAt: end,
        key: `promql-hubble:${cluster}:${start}-${end}`,
        cluster,
      });
      this.tracker.delivered(lines.length, end);
    }
    this.last = end;
  }

  async start(sink: SourceSink, signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.opts.backoff);
    const every = this.opts.intervalMs ?? this.step;
    try {
      while (!signal.aborted) {
        let wait = every;
        try {
          await this.pollOnce(sink);
          backoff.reset();
        } catch (err) {
          this.tracker.error(err);
          this.tracker.state('reconnecting');
          wait = Math.min(every, backoff.next());
        }
        await sleep(wait, signal);
      }
    } finally {
      this.tracker.state('stopped');
    }
  }
}
