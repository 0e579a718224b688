/**
 * When scenarios happen. The last 24 hours of a range hold one of each requested type (so a
 * daily review always finds a full set, and a one-day demo has them all); each earlier day
 * holds one more, cycling through the types.
 */
import { forkPrng } from './prng.js';
import {
  DEFAULT_DURATION_MS,
  SCENARIO_TYPES,
  type ScenarioInstance,
  type ScenarioType,
} from './scenario-types.js';

const MINUTE = 60_000;
const FIVE_MIN = 5 * MINUTE;
const DAY = 86_400_000;

const floorTo = (t: number, step: number): number => t - (((t % step) + step) % step);

function compact(t: number): string {
  return new Date(t).toISOString().slice(0, 16).replace(/[-:]/g, '');
}

export function scenarioId(type: ScenarioType, start: number): string {
  return `${type}@${compact(start)}`;
}

/** Places `type` in [slotStart, slotEnd) on a 5-minute grid (1-minute when the slot is short). */
function place(
  seed: number,
  type: ScenarioType,
  slotStart: number,
  slotEnd: number,
): ScenarioInstance | null {
  const len = slotEnd - slotStart;
  const grid = len >= 4 * FIVE_MIN ? FIVE_MIN : MINUTE;
  const duration = Math.max(grid, floorTo(Math.min(DEFAULT_DURATION_MS[type], len * 0.7), grid));
  const rng = forkPrng(seed, 'schedule', type, slotStart);
  const room = len - duration;
  if (room < 0) return null;
  let start = floorTo(slotStart + room * (0.15 + 0.7 * rng.next()), grid);
  if (start < slotStart) start += grid;
  const end = start + duration;
  if (end > slotEnd) return null;
  return { id: scenarioId(type, start), type, start, end };
}

/**
 * Scenarios for [from, to).
 * @example scheduleScenarios(42, to - 14 * 86_400_000, to).length // 8 + 13
 */
export function scheduleScenarios(
  seed: number,
  from: number,
  to: number,
  types: readonly ScenarioType[] = SCENARIO_TYPES,
): ScenarioInstance[] {
  if (types.length === 0 || to <= from) return [];
  const out: ScenarioInstance[] = [];
  const recentStart = Math.max(from, to - DAY);
  // Earlier whole days first, one scenario each.
  let day = 0;
  for (let d = floorTo(from, DAY); d + DAY <= recentStart; d += DAY) {
    if (d < from) continue;
    const type = types[day++ % types.length] as ScenarioType;
    const inst = place(seed, type, d + 8 * 3_600_000, d + 22 * 3_600_000);
    if (inst) out.push(inst);
  }
  const slot = (to - recentStart) / types.length;
  types.forEach((type, i) => {
    const inst = place(seed, type, recentStart + i * slot, recentStart + (i + 1) * slot);
    if (inst) out.push(inst);
  });
  return out.sort((a, b) => a.start - b.start);
}

/** The n-th live scenario, starting at `start` and lasting at most `maxDurationMs`. */
export function liveScenario(
  n: number,
  start: number,
  maxDurationMs: number,
  types: readonly ScenarioType[] = SCENARIO_TYPES,
): ScenarioInstance {
  const type = types[n % types.length] as ScenarioType;
  const duration = Math.max(MINUTE, Math.min(DEFAULT_DURATION_MS[type], maxDurationMs));
  return { id: scenarioId(type, start), type, start, end: start + duration };
}
