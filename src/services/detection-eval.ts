/**
 * The detection quality benchmark (`npm run eval:detect`, and a small run in `npm test`):
 * simulated clusters with labelled scenarios go through the demo's ingest path into a fresh
 * store, detection runs over the labelled range, and findings are scored against the labels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Finding, FINDING_TYPES, type FindingType } from '../domain/detect/finding.js';
import { type DetectOptionsInput, resolveDetectOptions } from '../domain/detect/options.js';
import { createParser } from '../formats/registry.js';
import type { ScenarioType } from '../sources/simulator/scenario-types.js';
import { scheduleScenarios } from '../sources/simulator/schedule.js';
import { createSimulation } from '../sources/simulator/simulation.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import {
  backfillHistory,
  DEMO_CLUSTER,
  demoWindowLines,
  HISTORY_WINDOW_MS,
} from './demo-backfill.js';
import { detectRange } from './detection.js';
import { type EvalLabel, planVariants } from './detection-eval-variants.js';
import { findingStoreFor } from './detection-store.js';
import { IngestService } from './ingest.js';

const DAY = 86_400_000;

export const SCENARIO_FINDING_TYPE: Readonly<Record<ScenarioType, FindingType>> = {
  'misconfig-after-deploy': 'misconfiguration',
  'port-scan': 'port-scan',
  'ip-sweep': 'ip-sweep',
  'external-probe': 'external-probe',
  exfiltration: 'exfiltration',
  amplification: 'amplification',
  beacon: 'blocked-egress',
  'traffic-spike': 'traffic-spike',
};

export interface EvalRunSpec {
  name: string;
  seed: number;
  /** End of the labelled range (epoch ms, aligned to 5 minutes). */
  to: number;
  /** Labelled days (scenarios from the demo's schedule). */
  days: number;
  /** Unlabelled days before them, so baselines have their minimum history. */
  warmupDays: number;
  /** Add the benchmark's own variants (other workloads, rates, times). */
  variants: boolean;
  options?: DetectOptionsInput;
  /** Generate history in a worker thread (only from the compiled build). */
  worker?: boolean;
}

export interface TypeScore {
  type: FindingType;
  labels: number;
  detected: number;
  findings: number;
  correct: number;
  recall: number | null;
  precision: number | null;
}

export interface EvalRunResult {
  name: string;
  days: number;
  labels: EvalLabel[];
  findings: Finding[];
  perType: TypeScore[];
  /** Findings that match no label at all (not even with another type). */
  falseFindings: Finding[];
  falsePerClusterDay: number;
  missed: EvalLabel[];
  /** Deliberate policy gaps of the simulated cluster, and how many were reported. */
  known: number;
  knownFound: number;
  timings: { ingestMs: number; detectMs: number };
}

const SLACK = 10 * 60_000;

function sameWorkload(f: Finding, ns: string | null, wl: string | null): boolean {
  return f.subject.namespace === ns && f.subject.workload === wl;
}

/** Same subject (either way round) and overlapping time. */
export function relates(f: Finding, l: EvalLabel): boolean {
  if (f.subject.cluster !== l.subject.cluster) return false;
  if (f.start >= l.endMs + SLACK || f.end <= l.startMs - SLACK) return false;
  if (sameWorkload(f, l.subject.namespace, l.subject.workload)) return true;
  const peer = l.subject.peer.split(' ')[0] ?? '';
  const [pns, pwl] = peer.includes('/') ? peer.split('/') : [null, null];
  return (pns !== null && sameWorkload(f, pns ?? null, pwl ?? null)) || f.subject.peer === peer;
}

/**
 * Scores findings against labels. `known` are the simulator's deliberate, always-on policy
 * gaps (catalogue connections marked `intended: false`): a finding about one of them is right,
 * not false, but they are not scenarios and do not count towards recall.
 */
export function scoreRun(
  labels: EvalLabel[],
  findings: Finding[],
  days: number,
  known: EvalLabel[] = [],
): Omit<EvalRunResult, 'name' | 'timings'> {
  const perType: TypeScore[] = FINDING_TYPES.map((type) => {
    const ls = labels.filter((l) => l.type === type);
    const fs = findings.filter((f) => f.type === type);
    const detected = ls.filter((l) => fs.some((f) => relates(f, l))).length;
    const kn = known.filter((l) => l.type === type);
    const correct = fs.filter((f) => [...ls, ...kn].some((l) => relates(f, l))).length;
    return {
      type,
      labels: ls.length,
      detected,
      findings: fs.length,
      correct,
      recall: ls.length ? detected / ls.length : null,
      precision: fs.length ? correct / fs.length : null,
    };
  });
  const falseFindings = findings.filter((f) => ![...labels, ...known].some((l) => relates(f, l)));
  const knownFound = known.filter((l) => findings.some((f) => f.type === l.type && relates(f, l)));
  const missed = labels.filter((l) => !findings.some((f) => f.type === l.type && relates(f, l)));
  return {
    days,
    labels,
    findings,
    perType,
    falseFindings,
    falsePerClusterDay: falseFindings.length / days,
    missed,
    known: known.length,
    knownFound: knownFound.length,
  };
}

/** Simulates, ingests, detects and scores one run. */
export async function runEval(
  spec: EvalRunSpec,
  onProgress?: (text: string) => void,
): Promise<EvalRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-eval-'));
  const store = openSqliteStore({ path: join(dir, 'eval.db'), synchronous: 'NORMAL' });
  try {
    const sim = createSimulation({ seed: spec.seed });
    const ingest = new IngestService({ store, createParser });
    const labelFrom = spec.to - spec.days * DAY;
    const from = labelFrom - spec.warmupDays * DAY;
    const scenarios = scheduleScenarios(spec.seed, labelFrom, spec.to);
    const labels: EvalLabel[] = scenarios.map((inst) => {
      const l = sim.label(inst);
      return {
        id: l.id,
        type: SCENARIO_FINDING_TYPE[l.type],
        startMs: l.startMs,
        endMs: l.endMs,
        subject: { ...l.subject },
        description: l.description,
      };
    });
    const t0 = performance.now();
    await backfillHistory(
      sim,
      ingest,
      { from, to: spec.to, scenarios },
      (p) => onProgress?.(`${spec.name}: history ${Math.round((100 * p.doneMs) / p.totalMs)}%`),
      { worker: spec.worker ?? false },
    );
    if (spec.variants) {
      const variants = planVariants(sim, labelFrom, spec.to);
      labels.push(...variants.map((v) => v.label));
      for (const v of variants) {
        const goldmane: string[] = [];
        const hubble: string[] = [];
        const a = v.label.startMs - (v.label.startMs % HISTORY_WINDOW_MS);
        for (let t = a; t < v.label.endMs; t += HISTORY_WINDOW_MS) {
          const lines = demoWindowLines(sim, v.records(t, HISTORY_WINDOW_MS), t, HISTORY_WINDOW_MS);
          goldmane.push(...lines.goldmane);
          hubble.push(...lines.hubble);
        }
        for (const [format, lines] of [
          ['goldmane', goldmane],
          ['hubble', hubble],
        ] as const) {
          if (lines.length > 0)
            await ingest.ingestLines([lines], {
              format,
              cluster: DEMO_CLUSTER,
              idempotencyKey: `${v.label.id}-${format}`,
            });
        }
      }
    }
    const t1 = performance.now();
    onProgress?.(`${spec.name}: detecting`);
    const options = resolveDetectOptions(spec.options);
    const findings = findingStoreFor(store);
    const run = await detectRange(
      { store, findings, options },
      { from: labelFrom, to: spec.to },
      { now: spec.to },
    );
    const t2 = performance.now();
    const stored = await findings.listFindings({ from: labelFrom, to: spec.to, limit: 10_000 });
    void run;
    const known: EvalLabel[] = sim.connections
      .filter((c) => !c.intended)
      .map((c) => {
        const [ns, wl] = c.from.split('/') as [string, string];
        return {
          id: `known:${c.id}`,
          type: c.to.startsWith('ext:') ? 'blocked-egress' : 'misconfiguration',
          startMs: from,
          endMs: spec.to,
          subject: { cluster: DEMO_CLUSTER, namespace: ns, workload: wl, peer: c.to },
          description: 'a catalogue connection no policy allows, on purpose',
        };
      });
    return {
      name: spec.name,
      ...scoreRun(labels, stored, spec.days, known),
      timings: { ingestMs: t1 - t0, detectMs: t2 - t1 },
    };
  } finally {
    await store.close();
    // NETSEC_EVAL_KEEP=1 keeps the database for inspection.
    if (process.env['NETSEC_EVAL_KEEP'] === '1') process.stderr.write(`kept ${dir}/eval.db\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}
