import { afterAll, describe, expect, it } from 'vitest';

import { AccountantScrapeSource, scrapeDump, scrapeMetrics } from './accountant-scrape.js';
import { serveAccountantMetrics } from './simulator/accountant-exporter.js';
import { AccountantCounters } from './simulator/emit-accountant.js';
import { createSimulation } from './simulator/simulation.js';

const T = Date.UTC(2026, 10, 20, 12);
const sim = createSimulation({ seed: 2 });
const counters = new AccountantCounters();
const first = sim.window(T, 30_000, []);
counters.register(first);
const exporter = await serveAccountantMetrics(counters);
afterAll(() => exporter.close());

describe('accountant scraping', () => {
  it('reads the exporter over HTTP and turns two scrapes into packet deltas', async () => {
    const source = new AccountantScrapeSource(exporter.url, { cluster: 'demo' });
    const baseline = await source.poll(T);
    expect(baseline.flows).toEqual([]);
    expect(baseline.errors).toBe(0);
    counters.add(first);
    const next = await source.poll(T + 30_000);
    expect(next.errors).toBe(0);
    const packets = next.flows.reduce((a, f) => a + (f.packets ?? 0), 0);
    expect(packets).toBeGreaterThan(0);
    expect(
      next.flows.every((f) => f.source === 'accountant' && f.time === T && f.durationMs === 30_000),
    ).toBe(true);
    expect(next.flows.some((f) => f.verdict === 'denied')).toBe(true);
    expect(source.previous?.time).toBe(T + 30_000);
  });

  it('writes a dump with scrape markers that a parser can replay', () => {
    const dump = scrapeDump([
      { text: 'a 1', time: 1 },
      { text: 'a 2\n', time: 2 },
    ]);
    expect(dump).toBe('# scrape 1\na 1\n# scrape 2\na 2\n');
  });

  it('fails on a non-2xx answer', async () => {
    await expect(scrapeMetrics(exporter.url.replace('/metrics', '/nope'), T)).rejects.toThrow(
      /HTTP 404/,
    );
  });
});
