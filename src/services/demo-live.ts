/**
 * The demo's live stream: every 15 simulated seconds, the simulator's traffic goes to the
 * server's ingest API over HTTP (Goldmane for allowed, Hubble for denied traffic), a new
 * scenario starts every few simulated minutes, and the calico-accountant counters are served
 * on a local `/metrics`, scraped, and forwarded as a two-scrape dump.
 */
import { type Scrape, scrapeDump, scrapeMetrics } from '../sources/accountant-scrape.js';
import {
  type RunningExporter,
  serveAccountantMetrics,
} from '../sources/simulator/accountant-exporter.js';
import { AccountantCounters } from '../sources/simulator/emit-accountant.js';
import type { SimRecord } from '../sources/simulator/records.js';
import type { ScenarioInstance, ScenarioLabel } from '../sources/simulator/scenario-types.js';
import { liveScenario } from '../sources/simulator/schedule.js';
import type { Simulation } from '../sources/simulator/simulation.js';
import { demoWindowLines, LIVE_WINDOW_MS } from './demo-backfill.js';

export interface LiveOptions {
  sim: Simulation;
  /** Server base URL, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  token: string;
  /** Simulated time of the first live window (the end of the history). */
  startAt: number;
  /** Simulated milliseconds per real millisecond. */
  speed: number;
  /** Simulated time between two scenarios. */
  scenarioEveryMs: number;
  /** Scenarios already started by earlier runs (continues the cycle). */
  scenarioOffset: number;
  scrapeEveryMs?: number;
  /** Wall clock; tests pin it. */
  now?: () => number;
  onWindow?: (info: { until: number; flows: number; scenarios: number }) => void;
  onScenario?: (label: ScenarioLabel) => void;
  onError?: (err: Error) => void;
}

export interface LiveStats {
  windows: number;
  linesSent: number;
  scrapes: number;
  scenarios: number;
  until: number;
}

async function post(
  opts: LiveOptions,
  format: string,
  key: string,
  lines: readonly string[],
): Promise<void> {
  if (lines.length === 0) return;
  const res = await fetch(`${opts.baseUrl}/api/v1/ingest?format=${format}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${opts.token}`,
      'content-type': 'application/x-ndjson',
      'idempotency-key': key,
    },
    body: `${lines.join('\n')}\n`,
  });
  if (!res.ok)
    throw new Error(`ingest ${format}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
}

/** Streams until `stop()`. @example const live = await startLiveDemo(opts); …; await live.stop(); */
export async function startLiveDemo(
  opts: LiveOptions,
): Promise<{ stats: LiveStats; exporter: RunningExporter; stop(): Promise<void> }> {
  const now = opts.now ?? Date.now;
  const counters = new AccountantCounters();
  const exporter = await serveAccountantMetrics(counters);
  const scrapeEvery = opts.scrapeEveryMs ?? 30_000;
  const wallStart = now();
  // Simulated "now" starts at the wall clock and runs `speed` times faster.
  const simNow = (): number => wallStart + (now() - wallStart) * opts.speed;
  const stats: LiveStats = {
    windows: 0,
    linesSent: 0,
    scrapes: 0,
    scenarios: 0,
    until: opts.startAt,
  };
  const scenarios: ScenarioInstance[] = [];
  let nextScenario = opts.startAt + 30_000;
  let nextScrape = opts.startAt + scrapeEvery;
  let lastScrape: Scrape | null = null;
  let previous: SimRecord[] = [];
  let running = true;
  let wake: (() => void) | null = null;
  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });

  const step = async (t: number): Promise<void> => {
    while (t >= nextScenario) {
      const inst = liveScenario(
        opts.scenarioOffset + stats.scenarios,
        nextScenario,
        opts.scenarioEveryMs * 0.9,
      );
      scenarios.push(inst);
      stats.scenarios++;
      opts.onScenario?.(opts.sim.label(inst));
      nextScenario += opts.scenarioEveryMs;
    }
    const active = scenarios.filter((s) => s.end > t);
    const records = opts.sim.window(t, LIVE_WINDOW_MS, active);
    const lines = demoWindowLines(opts.sim, records, t, LIVE_WINDOW_MS);
    const key = `demo-s${opts.sim.seed}-live-${t}`;
    await post(opts, 'goldmane', `${key}-goldmane`, lines.goldmane);
    await post(opts, 'hubble', `${key}-hubble`, lines.hubble);
    stats.linesSent += lines.goldmane.length + lines.hubble.length;
    // Counters move one window late so that a series exists (at 0) before it first counts.
    counters.add(previous);
    counters.register(records);
    previous = records;
    const end = t + LIVE_WINDOW_MS;
    if (end >= nextScrape) {
      const scrape = await scrapeMetrics(exporter.url, end);
      if (lastScrape) {
        const dump = scrapeDump([lastScrape, scrape]).split('\n');
        await post(
          opts,
          'accountant',
          `demo-s${opts.sim.seed}-acct-${lastScrape.time}-${end}`,
          dump,
        );
      }
      lastScrape = scrape;
      stats.scrapes++;
      nextScrape = end + scrapeEvery;
    }
    stats.windows++;
    stats.until = end;
    opts.onWindow?.({ until: end, flows: records.length, scenarios: active.length });
  };

  const loop = (async () => {
    let t = opts.startAt;
    while (running) {
      const ahead = t + LIVE_WINDOW_MS - simNow();
      if (ahead > 0) {
        await sleep(Math.max(10, ahead / opts.speed));
        continue;
      }
      try {
        await step(t);
        t += LIVE_WINDOW_MS;
      } catch (err) {
        opts.onError?.(err as Error);
        await sleep(2_000);
      }
    }
  })();

  return {
    stats,
    exporter,
    async stop() {
      running = false;
      (wake as (() => void) | null)?.();
      await loop;
      await exporter.close();
    },
  };
}
