import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { loadClusterModel } from '../../services/cluster-model-service.js';
import { evaluateProbe } from '../../services/policy-eval-service.js';
import { CONNECTIONS } from './catalogue.js';
import { externalById } from './externals.js';
import { SCENARIO_TYPES } from './scenario-types.js';
import { planProbes } from './scenarios.js';
import { scheduleScenarios } from './schedule.js';
import { createSimulation } from './simulation.js';
import { cachedOracle, type VerdictProbe } from './verdicts.js';

const sim = createSimulation({ seed: 5 });
const dir = mkdtempSync(join(tmpdir(), 'netsec-sim-verdicts-'));
for (const m of sim.manifests) writeFileSync(join(dir, m.name), m.text);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every distinct probe the simulator asked for: a day of baseline plus every scenario type. */
function allProbes(): VerdictProbe[] {
  const t = Date.UTC(2026, 10, 20, 12);
  const probes = new Map<string, VerdictProbe>();
  for (let w = t - 86_400_000; w < t; w += 3_600_000) {
    for (const r of sim.window(w, 3_600_000, [])) {
      const probe = {
        from: r.src.kind === 'pod' ? `${r.src.pod.namespace}/${r.src.pod.name}` : r.src.ip,
        to: r.dst.kind === 'pod' ? `${r.dst.pod.namespace}/${r.dst.pod.name}` : r.dst.ip,
        protocol: r.protocol,
        port: r.port,
      };
      probes.set(JSON.stringify(probe), probe);
    }
  }
  for (const inst of scheduleScenarios(5, t - 86_400_000, t, SCENARIO_TYPES)) {
    for (const p of planProbes(sim.plan(inst))) probes.set(JSON.stringify(p), p);
  }
  return [...probes.values()];
}

const probes = allProbes();

describe('verdicts come from the policy engine', () => {
  it('allows every intended catalogue connection and denies every unintended one', () => {
    const pick = (key: string): string => {
      if (key.startsWith('ext:')) return externalById(key.slice(4)).ips[0] as string;
      const wl = sim.cluster.byKey.get(key);
      return `${wl?.spec.namespace}/${wl?.pods[0]?.name}`;
    };
    for (const c of CONNECTIONS) {
      const e = sim.oracle({
        from: pick(c.from),
        to: pick(c.to),
        protocol: c.protocol,
        port: c.port,
      });
      expect(e.allowed, c.id).toBe(c.intended);
    }
  });

  it('caches one answer per distinct probe', () => {
    let calls = 0;
    const oracle = cachedOracle(() => {
      calls++;
      return {
        allowed: true,
        egress: { evaluated: false, isolated: false, allowed: true, allowedBy: [], deniedBy: [] },
        ingress: { evaluated: false, isolated: false, allowed: true, allowedBy: [], deniedBy: [] },
      };
    });
    const p: VerdictProbe = { from: 'a/b', to: '1.2.3.4', protocol: 'TCP', port: 443 };
    oracle(p);
    oracle({ ...p });
    oracle({ ...p, port: 80 });
    expect(calls).toBe(2);
    expect(oracle.size()).toBe(2);
  });

  it('agrees with the evaluator on the manifests written to disk, for every baseline and scenario probe', async () => {
    const { model, errors } = await loadClusterModel([dir]);
    expect(errors).toEqual([]);
    expect(probes.length).toBeGreaterThan(1000);
    let denied = 0;
    for (const p of probes) {
      const ours = sim.oracle(p);
      const theirs = evaluateProbe(model, p, {});
      expect('error' in theirs ? theirs.error : theirs.allowed, JSON.stringify(p)).toBe(
        ours.allowed,
      );
      if (!ours.allowed) denied++;
    }
    expect(denied).toBeGreaterThan(1000);
  });

  const cli = resolve(__dirname, '../../../bin/netsec');
  const built = existsSync(resolve(__dirname, '../../../dist/cli/main.js'));
  // `npm test` builds dist/ first; a bare `vitest run` without a build cannot run the binary.
  it.skipIf(!built)('agrees with `netsec policy eval` on the demo manifests', () => {
    const file = join(dir, 'probes.ndjson');
    writeFileSync(file, `${probes.map((p) => JSON.stringify(p)).join('\n')}\n`);
    const out = join(dir, 'answers.ndjson');
    const r = spawnSync(
      'sh',
      ['-c', `node "${cli}" policy eval --manifests "${dir}" --probes "${file}" > "${out}"`],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const answers = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(answers.length).toBe(probes.length);
    answers.forEach((a, i) => {
      const mine = sim.oracle(probes[i] as VerdictProbe);
      expect(a['error']).toBeUndefined();
      expect(a['allowed'], JSON.stringify(probes[i])).toBe(mine.allowed);
      expect((a['egress'] as { allowed: boolean }).allowed).toBe(mine.egress.allowed);
      expect((a['ingress'] as { allowed: boolean }).allowed).toBe(mine.ingress.allowed);
    });
  });
});
