/**
 * `netsec simulate`: writes the demo cluster's traffic for a time range to a file in one wire
 * format, and optionally the scenarios' ground truth as a labels file.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';

import type { ScenarioLabel, ScenarioType } from '../sources/simulator/scenario-types.js';
import { scheduleScenarios } from '../sources/simulator/schedule.js';
import { createSimulation } from '../sources/simulator/simulation.js';
import { floorTo, type SimFormat, trafficLines } from '../sources/simulator/traffic-lines.js';

export interface SimulateOptions {
  format: SimFormat;
  seed: number;
  /** Epoch ms; the range is [start, start + durationMs). */
  start: number;
  durationMs: number;
  /** Scenario types to inject; an empty list injects none. */
  scenarios: readonly ScenarioType[];
  out: string;
  labels?: string;
  windowMs?: number;
  /** Hubble: add reply events that parsers must skip. */
  replies?: boolean;
}

export interface SimulateResult {
  lines: number;
  bytes: number;
  from: number;
  to: number;
  labels: ScenarioLabel[];
}

/** @example await runSimulate({ format: 'hubble', seed: 1, start, durationMs: 3_600_000, scenarios: ['beacon'], out: 'h.json' }) */
export async function runSimulate(options: SimulateOptions): Promise<SimulateResult> {
  const sim = createSimulation({ seed: options.seed });
  const from = floorTo(options.start, 60_000);
  const to = from + options.durationMs;
  const scenarios = scheduleScenarios(options.seed, from, to, options.scenarios);
  const stream = createWriteStream(options.out);
  let lines = 0;
  let bytes = 0;
  for (const chunk of trafficLines(sim, {
    format: options.format,
    from,
    to,
    scenarios,
    ...(options.windowMs !== undefined ? { windowMs: options.windowMs } : {}),
    ...(options.replies !== undefined ? { replies: options.replies } : {}),
  })) {
    if (chunk.length === 0) continue;
    const text = `${chunk.join('\n')}\n`;
    lines += chunk.length;
    bytes += Buffer.byteLength(text);
    if (!stream.write(text)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
  const labels = scenarios.map((s) => sim.label(s));
  if (options.labels) await writeFile(options.labels, `${JSON.stringify(labels, null, 2)}\n`);
  return { lines, bytes, from, to, labels };
}
