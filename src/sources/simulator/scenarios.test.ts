import { beforeAll, describe, expect, it } from 'vitest';

import type { Flow } from '../../domain/flow.js';
import { createParser } from '../../formats/registry.js';
import { goldmaneLines } from './emit-goldmane.js';
import { hubbleLines } from './emit-hubble.js';
import { ATTACKERS } from './externals.js';
import { SCENARIO_TYPES, type ScenarioInstance, type ScenarioLabel } from './scenario-types.js';
import { scheduleScenarios } from './schedule.js';
import { createSimulation, type Simulation } from './simulation.js';

const DAY = 86_400_000;
const W = 300_000;
const TO = Date.UTC(2026, 10, 20, 12);
const FROM = TO - DAY;

function parseAll(format: 'hubble' | 'goldmane', lines: string[]): Flow[] {
  const p = createParser(format, { cluster: 'demo' });
  const out: Flow[] = [];
  lines.forEach((l, i) => {
    const r = p.parseLine(l, i + 1);
    expect(r.error).toBeUndefined();
    out.push(...r.flows);
  });
  return out;
}

let sim: Simulation;
let scenarios: ScenarioInstance[];
let labels: Map<string, ScenarioLabel>;
let hubble: Flow[];
let goldmane: Flow[];

/** The demo's own split: Goldmane records for allowed, Hubble events for denied and external scenario traffic. */
beforeAll(() => {
  sim = createSimulation({ seed: 7 });
  scenarios = scheduleScenarios(7, FROM, TO);
  labels = new Map(scenarios.map((s) => [s.type, sim.label(s)]));
  const h: string[] = [];
  const g: string[] = [];
  for (let t = FROM; t < TO; t += W) {
    const recs = sim.window(t, W, scenarios);
    g.push(
      ...goldmaneLines(
        recs.filter((r) => r.explanation.allowed),
        t,
        W,
      ),
    );
    h.push(
      ...hubbleLines(
        sim.cluster,
        recs.filter(
          (r) =>
            !r.explanation.allowed ||
            (r.scenarioId !== null && (r.src.kind === 'external' || r.dst.kind === 'external')),
        ),
      ),
    );
  }
  hubble = parseAll('hubble', h);
  goldmane = parseAll('goldmane', g);
}, 120_000);

const within = (f: Flow, l: ScenarioLabel, slack = 0): boolean =>
  f.time >= l.startMs - slack && f.time < l.endMs;

describe('scenario schedule', () => {
  it('puts one of each type in the last 24 hours, inside the range, without overlap', () => {
    expect(scenarios.map((s) => s.type).sort()).toEqual([...SCENARIO_TYPES].sort());
    const sorted = [...scenarios].sort((a, b) => a.start - b.start);
    sorted.forEach((s, i) => {
      expect(s.start).toBeGreaterThanOrEqual(FROM);
      expect(s.end).toBeLessThanOrEqual(TO);
      if (i > 0) expect(s.start).toBeGreaterThanOrEqual((sorted[i - 1] as ScenarioInstance).end);
    });
  });

  it('spreads one scenario per earlier day over 14 days', () => {
    const two = scheduleScenarios(7, TO - 14 * DAY, TO);
    // Whole earlier days only: a range starting at noon loses its first half day.
    expect(two.length).toBe(8 + 12);
    expect(
      two
        .filter((s) => s.start < TO - DAY)
        .map((s) => s.type)
        .slice(0, 8)
        .sort(),
    ).toEqual([...SCENARIO_TYPES].sort());
  });
});

describe("every scenario is in the data at its labelled time with the engine's verdicts", () => {
  it('misconfiguration after a deploy: the same denied call over and over', () => {
    const l = labels.get('misconfig-after-deploy') as ScenarioLabel;
    const [dstNs, dstWl] = l.subject.peer.split('/') as [string, string];
    const hits = hubble.filter(
      (f) =>
        f.src.workload?.name === l.subject.workload &&
        f.dst.namespace === dstNs &&
        f.dst.workload?.name === dstWl,
    );
    expect(hits.length).toBeGreaterThan(100);
    expect(hits.every((f) => within(f, l))).toBe(true);
    expect(hits.every((f) => f.verdict === 'denied' && f.reason === 'policy-denied')).toBe(true);
    expect(new Set(hits.map((f) => f.port)).size).toBe(1);
    expect(l.expectedVerdict).toBe('denied');
  });

  it('port scan: many ports on one host from one pod', () => {
    const l = labels.get('port-scan') as ScenarioLabel;
    const hits = hubble.filter((f) => f.src.pod === l.subject.pod);
    const hosts = new Set(hits.map((f) => f.dst.ip));
    expect(hosts.size).toBe(1);
    expect(new Set(hits.map((f) => f.port)).size).toBeGreaterThan(1000);
    expect(hits.every((f) => within(f, l) && f.verdict === 'denied')).toBe(true);
  });

  it('IP sweep: one port across many hosts and namespaces, mostly denied', () => {
    const l = labels.get('ip-sweep') as ScenarioLabel;
    const hits = hubble.filter((f) => f.src.pod === l.subject.pod && f.port === 22);
    expect(new Set(hits.map((f) => f.dst.ip)).size).toBeGreaterThan(30);
    expect(new Set(hits.map((f) => f.dst.namespace)).size).toBeGreaterThanOrEqual(6);
    expect(hits.every((f) => within(f, l))).toBe(true);
    // Pods in the unprotected namespace are reachable: those attempts are allowed, and Hubble
    // carries denied events only, so every event here is a denial and the label says "mixed".
    expect(hits.every((f) => f.verdict === 'denied' && f.dst.namespace !== 'dev-sandbox')).toBe(
      true,
    );
    expect(l.expectedVerdict).toBe('mixed');
    expect(l.probes.denied).toBe(hits.length);
  });

  it('external probing: one internet address tries many ports of the exposed ingress controller', () => {
    const l = labels.get('external-probe') as ScenarioLabel;
    const hits = hubble.filter((f) => f.src.ip === ATTACKERS.prober);
    expect(new Set(hits.map((f) => f.port)).size).toBeGreaterThanOrEqual(10);
    expect(hits.every((f) => within(f, l) && f.dst.namespace === 'ingress-nginx')).toBe(true);
    for (const f of hits)
      expect(f.verdict).toBe(f.port === 80 || f.port === 443 ? 'allowed' : 'denied');
  });

  it('exfiltration: a new external IP and 20x the usual egress bytes, allowed', () => {
    const l = labels.get('exfiltration') as ScenarioLabel;
    const ip = hubble.filter((f) => f.dst.ip === ATTACKERS.exfilDrop);
    expect(ip.length).toBeGreaterThan(10);
    expect(
      ip.every(
        (f) => within(f, l) && f.verdict === 'allowed' && f.src.workload?.name === 'notifications',
      ),
    ).toBe(true);
    const egress = (f: Flow): boolean =>
      f.src.namespace === 'orders' &&
      (f.src.pod ?? '').startsWith('notifications-') &&
      f.dst.externalGroup === 'world';
    const during = goldmane.filter((f) => egress(f) && within(f, l));
    const before = goldmane.filter(
      (f) => egress(f) && f.time < l.startMs - 3_600_000 && f.time >= l.startMs - 4 * 3_600_000,
    );
    const rate = (fs: Flow[]): number =>
      fs.reduce((a, f) => a + (f.bytesToDst ?? 0), 0) / Math.max(1, fs.length);
    expect(rate(during) / rate(before)).toBeGreaterThan(10);
  });

  it('NTP amplification: small requests in, large responses out to one external target', () => {
    const l = labels.get('amplification') as ScenarioLabel;
    const events = hubble.filter((f) => f.src.ip === ATTACKERS.amplificationVictim);
    expect(events.length).toBeGreaterThan(100);
    expect(
      events.every(
        (f) => within(f, l) && f.protocol === 'UDP' && f.port === 123 && f.verdict === 'allowed',
      ),
    ).toBe(true);
    const recs = goldmane.filter(
      (f) =>
        within(f, l) &&
        f.protocol === 'UDP' &&
        f.port === 123 &&
        (f.dst.pod ?? '').startsWith('ntp-test-'),
    );
    const toSrc = recs.reduce((a, f) => a + (f.bytesToSrc ?? 0), 0);
    const toDst = recs.reduce((a, f) => a + (f.bytesToDst ?? 0), 0);
    expect(toSrc / toDst).toBeGreaterThan(50);
  });

  it('beacon: denied egress to one internet address about every 60 s', () => {
    const l = labels.get('beacon') as ScenarioLabel;
    const hits = hubble
      .filter((f) => f.dst.ip === ATTACKERS.beaconC2)
      .sort((a, b) => a.time - b.time);
    expect(hits.length).toBe(Math.floor((l.endMs - l.startMs) / 60_000));
    expect(
      hits.every((f) => within(f, l) && f.verdict === 'denied' && f.direction === 'egress'),
    ).toBe(true);
    const gaps = hits.slice(1).map((f, i) => f.time - (hits[i] as Flow).time);
    expect(Math.min(...gaps)).toBeGreaterThan(50_000);
    expect(Math.max(...gaps)).toBeLessThan(70_000);
  });

  it('traffic spike: allowed internal traffic at about 10x normal', () => {
    const l = labels.get('traffic-spike') as ScenarioLabel;
    const key = (f: Flow): boolean =>
      (f.src.pod ?? '').startsWith('storefront-bff-') &&
      (f.dst.pod ?? '').startsWith('catalog-api-') &&
      f.port === 8080;
    const during = goldmane.filter((f) => key(f) && within(f, l));
    expect(during.every((f) => f.verdict === 'allowed')).toBe(true);
    const spiked = during.reduce((a, f) => a + (f.flows ?? 0), 0);
    let normal = 0;
    for (let t = l.startMs; t < l.endMs; t += W) {
      for (const r of sim.window(t, W, []))
        if (r.origin.startsWith('frontend/storefront-bff>catalog/catalog-api')) normal += r.flows;
    }
    expect(spiked / normal).toBeGreaterThan(7);
    expect(spiked / normal).toBeLessThan(13);
  });

  it('labels carry the subject, the cluster and an expected verdict from the engine', () => {
    for (const l of labels.values()) {
      expect(l.subject.cluster).toBe('demo');
      expect(l.start).toBe(new Date(l.startMs).toISOString());
      expect(l.probes.total).toBe(l.probes.allowed + l.probes.denied);
      expect(['allowed', 'denied', 'mixed']).toContain(l.expectedVerdict);
    }
  });
});
