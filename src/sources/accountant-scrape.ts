/**
 * A minimal scraper of a calico-accountant `/metrics` endpoint. Counters only mean something
 * as differences between scrapes, so it keeps the previous scrape: `dumpSince` gives the pair
 * as a text dump with `# scrape <time>` markers that the accountant parser turns into deltas,
 * and `AccountantScrapeSource` feeds successive scrapes to one parser directly.
 */
import type { Flow } from '../domain/flow.js';
import type { FlowParser, ParserOptions } from '../formats/parser.js';
import { createParser } from '../formats/registry.js';

export interface Scrape {
  text: string;
  /** Epoch ms the scrape stands for. */
  time: number;
}

export type FetchLike = (
  url: string,
  init?: { signal?: AbortSignal; headers?: Record<string, string> },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

/** Fetches the exposition text; throws on a non-2xx answer or after `timeoutMs`. */
export async function scrapeMetrics(
  url: string,
  time: number,
  fetchFn: FetchLike = fetch,
  timeoutMs = 5_000,
): Promise<Scrape> {
  const res = await fetchFn(url, {
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: 'text/plain;version=0.0.4' },
  });
  if (!res.ok) throw new Error(`scrape ${url}: HTTP ${res.status}`);
  return { text: await res.text(), time };
}

/** Samples without their own timestamp take the marker's; lines that carry one keep it. */
export function scrapeDump(scrapes: readonly Scrape[]): string {
  return scrapes
    .map((s) => `# scrape ${s.time}\n${s.text.endsWith('\n') ? s.text : `${s.text}\n`}`)
    .join('');
}

/**
 * Scrapes one endpoint repeatedly and returns the packets counted since the previous scrape.
 * @example const src = new AccountantScrapeSource('http://10.0.0.5:9009/metrics', { cluster: 'prod' }); await src.poll(Date.now());
 */
export class AccountantScrapeSource {
  private readonly parser: FlowParser;
  private lineNo = 0;
  private last: Scrape | null = null;

  constructor(
    private readonly url: string,
    options: ParserOptions,
    private readonly fetchFn: FetchLike = fetch,
  ) {
    this.parser = createParser('accountant', options);
  }

  /** The previous scrape, for senders that forward dumps instead of flows. */
  get previous(): Scrape | null {
    return this.last;
  }

  async poll(time: number): Promise<{ flows: Flow[]; errors: number; scrape: Scrape }> {
    const scrape = await scrapeMetrics(this.url, time, this.fetchFn);
    const flows: Flow[] = [];
    let errors = 0;
    for (const line of scrapeDump([scrape]).split('\n')) {
      const out = this.parser.parseLine(line, ++this.lineNo);
      flows.push(...out.flows);
      if (out.error) errors++;
    }
    this.last = scrape;
    return { flows, errors, scrape };
  }
}
