/**
 * calico-accountant `/metrics` as a live source: scrapes every interval and hands over the
 * previous and the current scrape as one dump with `# scrape <time>` markers. Counters only mean
 * something as differences, and each batch is parsed on its own (here or at the central
 * dashboard), so every batch carries its own baseline.
 */
import { type FetchLike, type Scrape, scrapeDump, scrapeMetrics } from './accountant-scrape.js';
import { Backoff, sleep } from './backoff.js';
import type { Source, SourceHealthSnapshot, SourceOptions, SourceSink } from './source.js';
import { HealthTracker } from './source-health.js';

export interface AccountantSourceOptions extends SourceOptions {
  url: string;
  intervalMs?: number;
  fetchFn?: FetchLike;
}

export class AccountantScrapeLiveSource implements Source {
  readonly kind = 'accountant' as const;
  private readonly tracker: HealthTracker;
  private readonly now: () => number;
  private prev: Scrape | null = null;

  constructor(
    readonly name: string,
    private readonly opts: AccountantSourceOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.tracker = new HealthTracker(name, 'accountant', this.now);
  }

  health(): SourceHealthSnapshot {
    return this.tracker.get();
  }

  /** One scrape; delivers a batch from the second scrape on. */
  async pollOnce(sink: SourceSink): Promise<void> {
    const cur = await scrapeMetrics(this.opts.url, this.now(), this.opts.fetchFn);
    this.tracker.connected();
    if (this.prev !== null) {
      const lines = scrapeDump([this.prev, cur]).split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      await sink.write({
        format: 'accountant',
        lines,
        newestDataAt: cur.time,
        key: `accountant:${this.prev.time}-${cur.time}`,
      });
      this.tracker.delivered(lines.length, cur.time);
    }
    this.prev = cur;
  }

  async start(sink: SourceSink, signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.opts.backoff);
    const interval = this.opts.intervalMs ?? 30_000;
    try {
      while (!signal.aborted) {
        let wait = interval;
        try {
          await this.pollOnce(sink);
          backoff.reset();
        } catch (err) {
          this.tracker.error(err);
          this.tracker.state('reconnecting');
          wait = Math.min(interval, backoff.next());
        }
        await sleep(wait, signal);
      }
    } finally {
      this.tracker.state('stopped');
    }
  }
}
