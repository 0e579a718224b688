/**
 * `netsec demo`: prepares a data directory with the simulated cluster (manifests, labels,
 * history) and then streams live traffic into a running server. The HTTP server itself is
 * started by the caller (the CLI), which passes its URL; this keeps services below http.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { ClusterModel, ModelError } from '../domain/netpol/index.js';
import type { ScenarioLabel } from '../sources/simulator/scenario-types.js';
import { scheduleScenarios } from '../sources/simulator/schedule.js';
import { createSimulation, type Simulation } from '../sources/simulator/simulation.js';
import { floorTo } from '../sources/simulator/traffic-lines.js';
import { formatModelError, loadClusterModel } from './cluster-model-service.js';
import {
  backfillHistory,
  type BackfillProgress,
  type BackfillReport,
  DEMO_CLUSTER,
  HISTORY_WINDOW_MS,
} from './demo-backfill.js';
import { startLiveDemo } from './demo-live.js';
import {
  DEMO_LABELS_FILE,
  DEMO_MANIFESTS_DIR,
  type DemoState,
  mergeLabels,
  readDemoState,
  writeDemoState,
} from './demo-state.js';
import type { IngestService } from './ingest.js';
import type { TokenService } from './tokens.js';

const DAY_MS = 86_400_000;
/** A gap shorter than this gets no backfilled scenarios (the live stream brings new ones). */
const MIN_SCENARIO_RANGE_MS = 6 * 3_600_000;
export const DEMO_TOKEN_NAME = 'demo-simulator';

export interface DemoPrepareOptions {
  seed: number;
  /** A simulation built by `loadDemoCluster`; built here when absent. */
  sim?: Simulation;
  days: number;
  dataDir: string;
  now: number;
  ingest: IngestService;
  onProgress?: (p: BackfillProgress) => void;
}

export interface PreparedDemo {
  sim: Simulation;
  manifestsDir: string;
  labelsPath: string;
  state: DemoState;
  /** Null when the data directory was already up to date. */
  backfill: BackfillReport | null;
  /** What was filled: the whole history, or only the gap since the last run. */
  filled: { from: number; to: number }[];
  labels: ScenarioLabel[];
  /** True when the data directory held demo data before this run. */
  resumed: boolean;
}

export class DemoSeedMismatch extends Error {}

async function checkSeed(dataDir: string, seed: number): Promise<DemoState | null> {
  await mkdir(dataDir, { recursive: true });
  const previous = await readDemoState(dataDir);
  if (previous && previous.seed !== seed) {
    throw new DemoSeedMismatch(
      `${dataDir} holds demo data simulated with --seed ${previous.seed}; use that seed or another --db`,
    );
  }
  return previous;
}

async function writeManifests(sim: Simulation, dataDir: string): Promise<string> {
  const dir = join(dataDir, DEMO_MANIFESTS_DIR);
  await mkdir(dir, { recursive: true });
  for (const m of sim.manifests) await writeFile(join(dir, m.name), m.text);
  return dir;
}

/**
 * Builds the simulation, writes its manifests next to the store and loads them back as a
 * cluster model with the same loader `netsec policy …` uses (for the dashboard's policy pages).
 * @example const { sim, model } = await loadDemoCluster(42, './data');
 */
export async function loadDemoCluster(
  seed: number,
  dataDir: string,
): Promise<{ sim: Simulation; manifestsDir: string; model: ClusterModel }> {
  await checkSeed(dataDir, seed);
  const sim = createSimulation({ seed });
  const manifestsDir = await writeManifests(sim, dataDir);
  const loaded = await loadClusterModel([manifestsDir]);
  if (loaded.errors.length > 0)
    throw new Error(`demo manifests: ${formatModelError(loaded.errors[0] as ModelError)}`);
  return { sim, manifestsDir, model: loaded.model };
}

/**
 * The last hour of history comes in Goldmane's 15-second records, as the live stream does:
 * with 5-minute records there, the first views a user opens (15 minutes, 1 hour, at 1-minute
 * steps) showed a spike every 5 minutes, then the live traffic's level.
 */
export const FINE_HISTORY_MS = 3_600_000;

/** Ranges of [wantFrom, to) not yet covered by the recorded state. */
export function missingRanges(
  state: DemoState | null,
  wantFrom: number,
  to: number,
): { from: number; to: number }[] {
  if (!state) return [{ from: wantFrom, to }];
  const out: { from: number; to: number }[] = [];
  if (wantFrom < state.filledFrom) out.push({ from: wantFrom, to: Math.min(state.filledFrom, to) });
  if (state.filledUntil < to) out.push({ from: Math.max(state.filledUntil, wantFrom), to });
  return out.filter((r) => r.to > r.from);
}

/**
 * Writes the manifests, loads the cluster model into the simulator (through the policy
 * engine), and backfills whatever history the data directory lacks.
 * @example const demo = await prepareDemo({ seed: 42, days: 14, dataDir: './data', now: Date.now(), ingest });
 */
export async function prepareDemo(opts: DemoPrepareOptions): Promise<PreparedDemo> {
  const previous = await checkSeed(opts.dataDir, opts.seed);
  const sim = opts.sim ?? createSimulation({ seed: opts.seed });
  const manifestsDir = await writeManifests(sim, opts.dataDir);

  const to = floorTo(opts.now, HISTORY_WINDOW_MS);
  const wantFrom = to - Math.round(opts.days * DAY_MS);
  const ranges = missingRanges(previous, wantFrom, to);
  let backfill: BackfillReport | null = null;
  const newLabels: ScenarioLabel[] = [];
  for (const r of ranges) {
    const scenarios =
      r.to - r.from >= MIN_SCENARIO_RANGE_MS ? scheduleScenarios(opts.seed, r.from, r.to) : [];
    const rep = await backfillHistory(sim, opts.ingest, { ...r, scenarios }, opts.onProgress, {
      fineFrom: to - FINE_HISTORY_MS,
    });
    newLabels.push(...scenarios.map((s) => sim.label(s)));
    backfill = backfill ? mergeReports(backfill, rep) : rep;
  }
  const state: DemoState = {
    version: 1,
    seed: opts.seed,
    filledFrom: Math.min(previous?.filledFrom ?? wantFrom, wantFrom),
    filledUntil: Math.max(previous?.filledUntil ?? to, to),
    liveScenarios: previous?.liveScenarios ?? 0,
  };
  await writeDemoState(opts.dataDir, state);
  const labelsPath = join(opts.dataDir, DEMO_LABELS_FILE);
  const labels = await mergeLabels(labelsPath, newLabels);
  return {
    sim,
    manifestsDir,
    labelsPath,
    state,
    backfill,
    filled: ranges,
    labels,
    resumed: previous !== null,
  };
}

function mergeReports(a: BackfillReport, b: BackfillReport): BackfillReport {
  const counts = { ...a.counts };
  for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += b.counts[k];
  return {
    from: Math.min(a.from, b.from),
    to: Math.max(a.to, b.to),
    goldmaneLines: a.goldmaneLines + b.goldmaneLines,
    hubbleLines: a.hubbleLines + b.hubbleLines,
    counts,
    generateMs: a.generateMs + b.generateMs,
    ingestMs: a.ingestMs + b.ingestMs,
    elapsedMs: a.elapsedMs + b.elapsedMs,
  };
}

/** A fresh ingest token for the simulator; earlier demo tokens are revoked. */
export async function demoIngestToken(tokens: TokenService): Promise<string> {
  for (const t of await tokens.list()) {
    if (t.name === DEMO_TOKEN_NAME && t.revokedAt === null) await tokens.revoke(t.id);
  }
  return (await tokens.create(DEMO_TOKEN_NAME, DEMO_CLUSTER)).token;
}

export interface DemoLiveOptions {
  demo: PreparedDemo;
  dataDir: string;
  baseUrl: string;
  token: string;
  speed: number;
  scenarioEveryMs: number;
  log: (line: string) => void;
}

/** Starts the live stream and keeps the state file's high-water mark current. */
export async function runLiveDemo(
  opts: DemoLiveOptions,
): Promise<{ stop(): Promise<void>; metricsUrl: string }> {
  let state = opts.demo.state;
  let windows = 0;
  let saving = Promise.resolve();
  const save = (): void => {
    const snapshot = { ...state };
    saving = saving.then(() => writeDemoState(opts.dataDir, snapshot)).catch(() => undefined);
  };
  const live = await startLiveDemo({
    sim: opts.demo.sim,
    baseUrl: opts.baseUrl,
    token: opts.token,
    startAt: state.filledUntil,
    speed: opts.speed,
    scenarioEveryMs: opts.scenarioEveryMs,
    scenarioOffset: state.liveScenarios,
    onWindow: ({ until }) => {
      state = { ...state, filledUntil: Math.max(state.filledUntil, until) };
      if (++windows % 4 === 0) save();
    },
    onScenario: (label) => {
      state = { ...state, liveScenarios: state.liveScenarios + 1 };
      void mergeLabels(opts.demo.labelsPath, [label]).catch(() => undefined);
      opts.log(`scenario ${label.type} started (${label.expectedVerdict}): ${label.description}`);
    },
    onError: (err) => opts.log(`live stream: ${err.message}; retrying`),
  });
  return {
    metricsUrl: live.exporter.url,
    async stop() {
      await live.stop();
      save();
      await saving;
    },
  };
}
