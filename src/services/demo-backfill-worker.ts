/**
 * Generates the demo's history in a worker thread while the main thread ingests: the
 * simulator and the store then use both cores. Posts one block of wire lines at a time and
 * stays at most two blocks ahead (the main thread sends `next` as it takes each one).
 */
import { parentPort, workerData } from 'node:worker_threads';

import type { ScenarioInstance } from '../sources/simulator/scenario-types.js';
import { createSimulation } from '../sources/simulator/simulation.js';
import { blockLines, historyBlocks } from './demo-backfill.js';

interface Job {
  seed: number;
  from: number;
  to: number;
  scenarios: ScenarioInstance[];
  fineFrom: number;
}

const job = workerData as Job;
const port = parentPort;
if (port) {
  const sim = createSimulation({ seed: job.seed });
  let credit = 2;
  let resume: (() => void) | null = null;
  port.on('message', () => {
    credit++;
    resume?.();
  });
  void (async () => {
    for (const [start, end] of historyBlocks(job.from, job.to)) {
      while (credit <= 0) await new Promise<void>((r) => (resume = r));
      resume = null;
      credit--;
      port.postMessage({ start, end, ...blockLines(sim, start, end, job.scenarios, job.fineFrom) });
    }
    port.postMessage({ done: true });
  })();
}
