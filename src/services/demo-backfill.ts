/**
 * Fills the demo's history through the ingest service, the same path `netsec import` uses.
 * History is aggregated as a real Calico cluster would keep it: allowed traffic as Goldmane
 * 5-minute records (with bytes), denied traffic as Hubble drop events (one per attempt, with
 * pods and policies). Allowed scenario traffic to or from the internet is also sent as Hubble
 * events, because only Hubble carries the external IP address.
 */
import { goldmaneLines } from '../sources/simulator/emit-goldmane.js';
import { hubbleLines } from '../sources/simulator/emit-hubble.js';
import type { SimRecord } from '../sources/simulator/records.js';
import type { ScenarioInstance } from '../sources/simulator/scenario-types.js';
import type { Simulation } from '../sources/simulator/simulation.js';
import { floorTo } from '../sources/simulator/traffic-lines.js';
import type { IngestCounts, IngestService } from './ingest.js';
import { addCounts, emptyCounts } from './ingest.js';

export const DEMO_CLUSTER = 'demo';
export const HISTORY_WINDOW_MS = 5 * 60_000;
/** Lines are handed to the ingest service in blocks of this much simulated time. */
const BLOCK_MS = 3_600_000;

export interface BackfillProgress {
  /** Simulated milliseconds done, of `totalMs`. */
  doneMs: number;
  totalMs: number;
  stored: number;
}

export interface BackfillReport {
  from: number;
  to: number;
  goldmaneLines: number;
  hubbleLines: number;
  counts: IngestCounts;
  generateMs: number;
  ingestMs: number;
  elapsedMs: number;
}

/** The wire lines a window's records become in the demo: Goldmane for allowed, Hubble for denied. */
export function demoWindowLines(
  sim: Simulation,
  records: readonly SimRecord[],
  windowStart: number,
  windowMs: number,
): { goldmane: string[]; hubble: string[] } {
  const allowed: SimRecord[] = [];
  const events: SimRecord[] = [];
  for (const r of records) {
    if (!r.explanation.allowed) events.push(r);
    else {
      allowed.push(r);
      if (r.scenarioId !== null && (r.src.kind === 'external' || r.dst.kind === 'external'))
        events.push(r);
    }
  }
  return {
    goldmane: goldmaneLines(allowed, windowStart, windowMs),
    hubble: hubbleLines(sim.cluster, events),
  };
}

/**
 * Sends [from, to) of simulated history through `ingest`. Idempotency keys derive from the
 * seed and the block's time range, so sending a block again stores nothing twice.
 * @example await backfillHistory(sim, services.ingest, { from, to, scenarios }, console.log)
 */
export async function backfillHistory(
  sim: Simulation,
  ingest: IngestService,
  range: { from: number; to: number; scenarios: readonly ScenarioInstance[] },
  onProgress?: (p: BackfillProgress) => void,
  clock: () => number = () => performance.now(),
): Promise<BackfillReport> {
  const started = clock();
  const from = floorTo(range.from, HISTORY_WINDOW_MS);
  const to = floorTo(range.to, HISTORY_WINDOW_MS);
  const counts = emptyCounts();
  let generateMs = 0;
  let ingestMs = 0;
  let gLines = 0;
  let hLines = 0;
  for (let block = from; block < to;) {
    const blockEnd = Math.min(to, floorTo(block, BLOCK_MS) + BLOCK_MS);
    const t0 = clock();
    const goldmane: string[] = [];
    const hubble: string[] = [];
    for (let t = block; t < blockEnd; t += HISTORY_WINDOW_MS) {
      const lines = demoWindowLines(
        sim,
        sim.window(t, HISTORY_WINDOW_MS, range.scenarios),
        t,
        HISTORY_WINDOW_MS,
      );
      for (const l of lines.goldmane) goldmane.push(l);
      for (const l of lines.hubble) hubble.push(l);
    }
    const t1 = clock();
    generateMs += t1 - t0;
    const key = `demo-s${sim.seed}-${block}-${blockEnd}`;
    for (const [format, lines] of [
      ['goldmane', goldmane],
      ['hubble', hubble],
    ] as const) {
      if (lines.length === 0) continue;
      const res = await ingest.ingestLines([lines], {
        format,
        cluster: DEMO_CLUSTER,
        idempotencyKey: `${key}-${format}`,
        batchSize: 20_000,
      });
      addCounts(counts, res.counts);
    }
    ingestMs += clock() - t1;
    gLines += goldmane.length;
    hLines += hubble.length;
    block = blockEnd;
    onProgress?.({ doneMs: block - from, totalMs: to - from, stored: counts.stored });
  }
  return {
    from,
    to,
    goldmaneLines: gLines,
    hubbleLines: hLines,
    counts,
    generateMs,
    ingestMs,
    elapsedMs: clock() - started,
  };
}
