import { afterAll, describe, expect, it } from 'vitest';

import { createAccountantParser } from '../formats/accountant/accountant-parser.js';
import { AccountantScrapeLiveSource } from './accountant-scrape-source.js';
import { serveAccountantMetrics } from './simulator/accountant-exporter.js';
import { AccountantCounters } from './simulator/emit-accountant.js';
import { createSimulation } from './simulator/simulation.js';
import type { SourceBatch } from './source.js';

const T = Date.UTC(2026, 10, 20, 12);
const sim = createSimulation({ seed: 2 });
const counters = new AccountantCounters();
const first = sim.window(T, 30_000, []);
counters.register(first);
const exporter = await serveAccountantMetrics(counters);
afterAll(() => exporter.close());

describe('accountant live source', () => {
  it('sends each scrape with its baseline, so one batch parsed alone gives the deltas', async () => {
    let now = T;
    const src = new AccountantScrapeLiveSource('acc', {
      url: exporter.url,
      cluster: 'demo',
      now: () => now,
    });
    const got: SourceBatch[] = [];
    const sink = { write: async (b: SourceBatch) => void got.push(b) };
    await src.pollOnce(sink);
    expect(got).toEqual([]);
    counters.add(first);
    now = T + 30_000;
    await src.pollOnce(sink);
    expect(got).toHaveLength(1);
    expect(got[0]?.key).toBe(`accountant:${T}-${T + 30_000}`);
    const parser = createAccountantParser({ cluster: 'demo' });
    const flows = (got[0]?.lines ?? []).flatMap((l, i) => parser.parseLine(l, i + 1).flows);
    flows.push(...parser.finish().flows);
    expect(flows.reduce((a, f) => a + (f.packets ?? 0), 0)).toBeGreaterThan(0);
    expect(src.health()).toMatchObject({ lastDataAt: T + 30_000, errors: 0 });
  });
});
