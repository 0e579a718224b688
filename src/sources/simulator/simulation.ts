/**
 * The simulator's front door: a cluster, its manifests, its verdict oracle and a generator of
 * records (baseline plus scenarios) for any time range, window by window.
 */
import { CONNECTIONS, type ConnectionSpec } from './catalogue.js';
import { buildSimCluster, type SimCluster } from './cluster.js';
import { renderManifestFiles } from './manifests.js';
import type { SimRecord } from './records.js';
import type { ScenarioInstance, ScenarioLabel } from './scenario-types.js';
import {
  labelOf,
  planScenario,
  type ScenarioContext,
  type ScenarioPlan,
  scenarioRecords,
} from './scenarios.js';
import { baselineWindow } from './traffic.js';
import { cachedOracle, engineOracle, type VerdictOracle } from './verdicts.js';

export interface Simulation {
  seed: number;
  cluster: SimCluster;
  manifests: { name: string; text: string }[];
  connections: readonly ConnectionSpec[];
  oracle: VerdictOracle & { size(): number };
  /** Baseline and scenario records of the window [t, t + windowMs), sorted by time. */
  window(t: number, windowMs: number, scenarios: readonly ScenarioInstance[]): SimRecord[];
  plan(instance: ScenarioInstance): ScenarioPlan;
  label(instance: ScenarioInstance): ScenarioLabel;
}

export interface SimulationOptions {
  seed: number;
  /** Replaces the policy engine (tests of the simulator's own plumbing only). */
  oracle?: VerdictOracle;
}

/**
 * Builds the simulation for a seed. The verdict of every record comes from the NetworkPolicy
 * engine evaluating the demo's own manifests.
 * @example const sim = createSimulation({ seed: 42 }); sim.window(t, 300_000, []);
 */
export function createSimulation(options: SimulationOptions): Simulation {
  const cluster = buildSimCluster(options.seed);
  const manifests = renderManifestFiles(cluster);
  const oracle = cachedOracle(options.oracle ?? engineOracle(manifests.map((m) => m.text)));
  const ctx: ScenarioContext = { cluster, oracle, connections: CONNECTIONS };
  const plans = new Map<string, ScenarioPlan>();
  const plan = (inst: ScenarioInstance): ScenarioPlan => {
    let p = plans.get(inst.id);
    if (!p) {
      p = planScenario(ctx, inst);
      plans.set(inst.id, p);
    }
    return p;
  };
  return {
    seed: options.seed,
    cluster,
    manifests,
    connections: CONNECTIONS,
    oracle,
    plan,
    label: (inst) => labelOf(ctx, plan(inst)),
    window(t, windowMs, scenarios) {
      const out = baselineWindow(cluster, oracle, CONNECTIONS, t, windowMs);
      for (const inst of scenarios) {
        if (inst.end <= t || inst.start >= t + windowMs) continue;
        out.push(...scenarioRecords(ctx, plan(inst), t, windowMs));
      }
      // Stable: equal times keep catalogue order, so output bytes never depend on the engine.
      return out.sort((a, b) => a.time - b.time);
    },
  };
}
