/**
 * Wire-format output for a time range: the simulation's records, window by window, through
 * one emitter. Used by `netsec simulate` and by the demo's backfill and live stream.
 */
import { AccountantCounters } from './emit-accountant.js';
import { goldmaneLines } from './emit-goldmane.js';
import { hubbleLines } from './emit-hubble.js';
import type { ScenarioInstance } from './scenario-types.js';
import type { Simulation } from './simulation.js';

export const SIM_FORMATS = ['hubble', 'goldmane', 'accountant'] as const;
export type SimFormat = (typeof SIM_FORMATS)[number];

/** Aggregation windows: Goldmane's native 15 s, Hubble events spread per minute, 30 s scrapes. */
export const DEFAULT_WINDOW_MS: Readonly<Record<SimFormat, number>> = {
  hubble: 60_000,
  goldmane: 15_000,
  accountant: 30_000,
};

export interface TrafficRange {
  format: SimFormat;
  /** Epoch ms; rounded down to the window. */
  from: number;
  to: number;
  windowMs?: number;
  scenarios: readonly ScenarioInstance[];
  /** Hubble: include reply trace events that parsers must skip. */
  replies?: boolean;
}

export const floorTo = (t: number, step: number): number => t - (((t % step) + step) % step);

/**
 * Lines of the range, one chunk per window.
 * @example for (const chunk of trafficLines(sim, { format: 'hubble', from, to, scenarios: [] })) write(chunk)
 */
export function* trafficLines(sim: Simulation, range: TrafficRange): Generator<string[]> {
  const w = range.windowMs ?? DEFAULT_WINDOW_MS[range.format];
  const start = floorTo(range.from, w);
  if (range.format === 'accountant') {
    // Pass one: every series exists from the first scrape, so no packets vanish into a baseline.
    const counters = new AccountantCounters();
    for (let t = start; t < range.to; t += w) counters.register(sim.window(t, w, range.scenarios));
    yield counters.render(start).trimEnd().split('\n');
    for (let t = start; t < range.to; t += w) {
      counters.add(sim.window(t, w, range.scenarios));
      yield counters
        .render(t + w, false)
        .trimEnd()
        .split('\n');
    }
    return;
  }
  for (let t = start; t < range.to; t += w) {
    const records = sim.window(t, w, range.scenarios);
    yield range.format === 'hubble'
      ? hubbleLines(sim.cluster, records, { replies: range.replies ?? false })
      : goldmaneLines(records, t, w);
  }
}
