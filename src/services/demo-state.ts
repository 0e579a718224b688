/**
 * What the demo has already put into a data directory, so that a second `netsec demo` fills
 * only the gap since the last run instead of sending the same history again.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { z } from 'zod';

import type { ScenarioLabel } from '../sources/simulator/scenario-types.js';

export const DEMO_STATE_FILE = 'demo-state.json';
export const DEMO_LABELS_FILE = 'demo-labels.json';
export const DEMO_MANIFESTS_DIR = 'demo-manifests';

const DemoStateSchema = z.object({
  version: z.literal(1),
  seed: z.number().int(),
  /** Epoch ms: history covers [filledFrom, filledUntil). */
  filledFrom: z.number(),
  filledUntil: z.number(),
  /** Live scenarios started so far (so the next run continues the cycle). */
  liveScenarios: z.number().int().nonnegative(),
});
export type DemoState = z.infer<typeof DemoStateSchema>;

/** The recorded state, or null when there is none or it is unreadable (then start afresh). */
export async function readDemoState(dataDir: string): Promise<DemoState | null> {
  try {
    const parsed = DemoStateSchema.safeParse(
      JSON.parse(await readFile(join(dataDir, DEMO_STATE_FILE), 'utf8')),
    );
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Writes through a temporary file and a rename, so a crash never leaves half a file. */
async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

export async function writeDemoState(dataDir: string, state: DemoState): Promise<void> {
  await writeAtomic(join(dataDir, DEMO_STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

/** Merges labels into the labels file by id, sorted by start time. */
export async function mergeLabels(
  path: string,
  labels: readonly ScenarioLabel[],
): Promise<ScenarioLabel[]> {
  let existing: ScenarioLabel[] = [];
  try {
    const raw: unknown = JSON.parse(await readFile(path, 'utf8'));
    if (Array.isArray(raw)) existing = raw as ScenarioLabel[];
  } catch {
    existing = [];
  }
  const byId = new Map(existing.map((l) => [l.id, l]));
  for (const l of labels) byId.set(l.id, l);
  const all = [...byId.values()].sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
  await writeAtomic(path, `${JSON.stringify(all, null, 2)}\n`);
  return all;
}
