import { describe, expect, it } from 'vitest';

import type { Flow } from '../../domain/flow.js';
import { createParser } from '../../formats/registry.js';
import { goldmaneLines } from './emit-goldmane.js';
import { hubbleLines } from './emit-hubble.js';
import { peerIp, type SimRecord } from './records.js';
import { scheduleScenarios } from './schedule.js';
import { createSimulation } from './simulation.js';
import { trafficLines } from './traffic-lines.js';

const T = Date.UTC(2026, 10, 20, 14);
const sim = createSimulation({ seed: 3 });
// Ten minutes with two scenarios running, so scans and beacons are in the mix.
const scenarios = scheduleScenarios(3, T - 30 * 60_000, T + 30 * 60_000, ['port-scan', 'beacon']);

function parse(
  format: 'hubble' | 'goldmane' | 'accountant',
  lines: readonly string[],
): { flows: Flow[]; skipped: number } {
  const p = createParser(format, { cluster: 'demo' });
  const flows: Flow[] = [];
  let skipped = 0;
  lines.forEach((l, i) => {
    const r = p.parseLine(l, i + 1);
    expect(r.error, l.slice(0, 200)).toBeUndefined();
    flows.push(...r.flows);
    skipped += r.skipped ?? 0;
  });
  flows.push(...p.finish().flows);
  return { flows, skipped };
}

function records(windowMs: number, from = T, to = T + 10 * 60_000): SimRecord[] {
  const out: SimRecord[] = [];
  for (let t = from; t < to; t += windowMs) out.push(...sim.window(t, windowMs, scenarios));
  return out;
}

const tally = (keys: string[]): Map<string, number> => {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
};

describe('Hubble emitter', () => {
  it('parses back to one flow per connection attempt, with verdict, direction, pods and policies', () => {
    const recs = records(60_000).filter((r) => r.flows <= 50);
    const lines = hubbleLines(sim.cluster, recs, { replies: true });
    const { flows, skipped } = parse('hubble', lines);
    expect(skipped).toBeGreaterThan(0); // reply events are not attempts
    const expected: string[] = [];
    for (const r of recs) {
      const side =
        r.explanation.egress.evaluated && !r.explanation.egress.allowed
          ? 'egress'
          : r.explanation.ingress.evaluated && !r.explanation.ingress.allowed
            ? 'ingress'
            : r.src.kind === 'pod'
              ? 'egress'
              : 'ingress';
      for (let i = 0; i < r.flows; i++)
        expected.push(
          `${peerIp(r.src)}>${peerIp(r.dst)}:${r.port}/${r.protocol} ${r.explanation.allowed ? 'allowed' : 'denied'} ${side}`,
        );
    }
    const got = flows.map(
      (f) => `${f.src.ip}>${f.dst.ip}:${f.port}/${f.protocol} ${f.verdict} ${f.direction}`,
    );
    expect(tally(got)).toEqual(tally(expected));
    const denied = flows.filter((f) => f.verdict === 'denied');
    expect(denied.length).toBeGreaterThan(0);
    expect(
      denied.every((f) => f.reason === 'policy-denied' && f.dropReason === 'POLICY_DENIED'),
    ).toBe(true);
    const allowedInPolicy = flows.find((f) => f.verdict === 'allowed' && f.policies.length > 0);
    expect(allowedInPolicy?.policies[0]?.kind).toBe('NetworkPolicy');
    const pod = flows.find((f) => f.src.kind === 'pod');
    expect(pod?.src.workload?.name).toBeTruthy();
    expect(pod?.cluster).toBe('demo');
  });
});

describe('Goldmane emitter', () => {
  it('aggregates per window and keeps flows, packets and bytes in both directions', () => {
    const w = 15_000;
    const recs = records(w, T, T + 2 * 60_000);
    const lines: string[] = [];
    for (let t = T; t < T + 2 * 60_000; t += w)
      lines.push(
        ...goldmaneLines(
          recs.filter((r) => r.time >= t && r.time < t + w),
          t,
          w,
        ),
      );
    const { flows } = parse('goldmane', lines);
    expect(flows.length).toBe(lines.length);
    const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
    expect(sum(flows.map((f) => f.flows ?? 0))).toBe(sum(recs.map((r) => r.flows)));
    expect(sum(flows.map((f) => f.packets ?? 0))).toBe(
      sum(recs.map((r) => r.packetsToDst + r.packetsToSrc)),
    );
    expect(
      Math.abs(sum(flows.map((f) => f.bytesToDst ?? 0)) - sum(recs.map((r) => r.bytesToDst))),
    ).toBeLessThan(flows.length);
    expect(
      Math.abs(sum(flows.map((f) => f.bytesToSrc ?? 0)) - sum(recs.map((r) => r.bytesToSrc))),
    ).toBeLessThan(flows.length);
    expect(sum(flows.filter((f) => f.verdict === 'denied').map((f) => f.flows ?? 0))).toBe(
      sum(recs.filter((r) => !r.explanation.allowed).map((r) => r.flows)),
    );
    expect(flows.every((f) => f.durationMs === w)).toBe(true);
    const pod = flows.find((f) => f.src.kind === 'pod');
    expect(pod?.src.pod).toMatch(/-\*$/);
    expect(flows.some((f) => f.dst.kind === 'external' && f.dst.externalGroup === 'world')).toBe(
      true,
    );
    expect(
      flows.filter((f) => f.verdict === 'denied').every((f) => f.reason === 'policy-denied'),
    ).toBe(true);
  });
});

describe('calico-accountant emitter', () => {
  it('turns counters into per-scrape packet deltas that add up to the records', () => {
    const lines = [
      ...trafficLines(sim, { format: 'accountant', from: T, to: T + 5 * 60_000, scenarios }),
    ].flat();
    expect(lines.some((l) => l.startsWith('# TYPE policy_accept_counter counter'))).toBe(true);
    const { flows } = parse('accountant', lines);
    let accepted = 0;
    let dropped = 0;
    for (const r of records(30_000, T, T + 5 * 60_000)) {
      const { egress, ingress } = r.explanation;
      if (r.src.kind === 'pod' && egress.evaluated) {
        if (!egress.allowed) {
          dropped += r.packetsToDst;
          continue;
        }
        if (egress.allowedBy.length > 0) accepted += r.packetsToDst;
      }
      if (r.dst.kind === 'pod' && ingress.evaluated) {
        if (!ingress.allowed) dropped += r.packetsToDst;
        else if (ingress.allowedBy.length > 0) accepted += r.packetsToDst;
      }
    }
    const got = (v: string): number =>
      flows.filter((f) => f.verdict === v).reduce((a, f) => a + (f.packets ?? 0), 0);
    expect(got('allowed')).toBe(accepted);
    expect(got('denied')).toBe(dropped);
    expect(flows.every((f) => f.flows === null && f.bytes === null && f.port === null)).toBe(true);
  });
});

describe('determinism', () => {
  const render = (seed: number, format: 'hubble' | 'goldmane' | 'accountant'): string => {
    const s = createSimulation({ seed });
    const sc = scheduleScenarios(seed, T, T + 20 * 60_000);
    return [
      ...trafficLines(s, { format, from: T, to: T + 3 * 60_000, scenarios: sc, replies: true }),
    ]
      .flat()
      .join('\n');
  };

  it('gives identical bytes for the same seed, in every format', () => {
    for (const format of ['hubble', 'goldmane', 'accountant'] as const) {
      const a = render(11, format);
      expect(a.length).toBeGreaterThan(1000);
      expect(render(11, format)).toBe(a);
    }
  });

  it('gives different traffic for another seed', () => {
    expect(render(12, 'goldmane')).not.toBe(render(11, 'goldmane'));
  });
});
