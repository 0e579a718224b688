import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { fixture, runParser } from '../../testing/fixtures/formats/run-parser.js';
import { createAccountantParser } from './accountant-parser.js';

const parse = (text: string, now?: () => number) =>
  runParser(createAccountantParser({ cluster: 'fallback', ...(now ? { now } : {}) }), text);

describe('accountant parser over successive scrapes', () => {
  const run = parse(fixture('accountant-scrapes.prom'));

  it('emits one delta per series and interval, skipping baselines and zero deltas', () => {
    expect(run.errors).toEqual([]);
    expect(run.flows.map((f) => [f.dst.pod ?? f.src.pod, f.packets, f.time, f.durationMs])).toEqual(
      [
        ['ledger-db-0', 30, 1741079700000, 60000],
        ['cart-5f7d9c6b8-qm4zt', 250, 1741079700000, 60000],
        ['frontend-6c9b7d8f4-x2lkq', 100, 1741079700000, 60000],
        ['batch-28371-abcde', 2, 1741079700000, 60000],
        // Reset: 150 → 12 counts the 12 packets since the reset.
        ['ledger-db-0', 12, 1741079760000, 60000],
        ['frontend-6c9b7d8f4-x2lkq', 300, 1741079760000, 60000],
      ],
    );
  });

  it('maps metric names to verdicts, reasons, directions and policies', () => {
    const [drop, accept, egress, deny] = run.flows;
    expect(drop).toMatchObject({
      verdict: 'denied',
      reason: 'no-policy-matched',
      direction: 'ingress',
      policies: [],
      flows: null,
      bytes: null,
      protocol: 'other',
      port: null,
      cluster: 'prod-eu1',
      source: 'accountant',
      node: '10.0.0.21:9009',
    });
    expect(drop!.src).toEqual({
      kind: 'unknown',
      namespace: null,
      pod: null,
      workload: null,
      labels: {},
      ip: null,
      dnsNames: [],
      externalGroup: null,
    });
    expect(drop!.dst).toMatchObject({
      kind: 'pod',
      namespace: 'payments',
      pod: 'ledger-db-0',
      ip: '10.0.7.9',
      labels: { app: 'ledger-db' },
    });
    expect(accept).toMatchObject({
      verdict: 'allowed',
      reason: 'allowed-by-policy',
      direction: 'ingress',
    });
    expect(accept!.policies).toEqual([
      {
        kind: 'NetworkPolicy',
        namespace: 'shop',
        name: 'cart-allow-frontend',
        tier: 'default',
        staged: false,
        rule: null,
        action: 'allow',
      },
    ]);
    expect(egress).toMatchObject({ direction: 'egress' });
    expect(egress!.src.namespace).toBe('shop');
    expect(egress!.dst.kind).toBe('unknown');
    expect(egress!.policies[0]).toMatchObject({
      kind: 'GlobalNetworkPolicy',
      namespace: null,
      tier: 'platform',
      name: 'allow-egress-dns',
    });
    expect(deny).toMatchObject({ verdict: 'denied', reason: 'explicit-deny' });
    expect(deny!.policies[0]).toMatchObject({
      kind: 'CalicoNetworkPolicy',
      namespace: 'jobs',
      tier: 'security',
      name: 'deny-metadata',
      action: 'deny',
    });
    expect(deny!.src.labels['app']).toBe('odd "quoted" app\\name\nline2');
  });

  it('counts comments, baselines, dropped scrapes and unrelated metrics as skipped', () => {
    // 13 comment lines, 5 baselines, 2 dropped-scrape samples, 1 other metric, 2 zero deltas
    expect(run.skipped).toBe(13 + 5 + 2 + 1 + 2);
  });
});

describe('accountant parser without sample timestamps', () => {
  it('uses `# scrape` markers, skips NaN and Inf, and strips /32 from the ip', () => {
    const run = parse(fixture('accountant-direct.prom'));
    expect(run.errors).toEqual([]);
    expect(run.flows).toHaveLength(1);
    expect(run.flows[0]).toMatchObject({
      time: Date.parse('2025-03-04T09:00:00Z'),
      durationMs: 60000,
      packets: 60,
      cluster: 'fallback',
    });
    expect(run.flows[0]!.dst).toMatchObject({ pod: 'web-0', namespace: 'site', ip: '10.0.4.4' });
    expect(run.flows[0]!.policies[0]).toMatchObject({
      kind: 'CalicoNetworkPolicy',
      tier: 'default',
      name: 'allow-http',
    });
  });

  it('uses the clock option for live scrapes', () => {
    let t = 1000;
    const line = 'no_policy_drop_counter{pod="p",type="fw"} ';
    const p = createAccountantParser({ cluster: 'c', now: () => (t += 15000) });
    expect(p.parseLine(`${line}1`, 1).flows).toEqual([]);
    const out = p.parseLine(`${line}4`, 2);
    expect(out.flows[0]).toMatchObject({ time: 16000, durationMs: 15000, packets: 3 });
  });
});

describe('accountant parser errors', () => {
  it('rejects bad samples with line and field and keeps the rest', () => {
    const run = parse(fixture('accountant-bad.prom'));
    expect(run.errors.map((e) => [e.line, e.field])).toEqual([
      [3, 'value'],
      [4, 'labels.policy'],
      [5, 'labels.type'],
      [6, 'labels.policy'],
      [7, 'timestamp'],
      [8, 'name'],
      [9, 'timestamp'],
    ]);
    expect(run.flows.map((f) => f.packets)).toEqual([3]);
  });
});

describe('accountant delta properties', () => {
  it('summed deltas equal the counter growth when there are no resets', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 1_000_000 }), { minLength: 1, maxLength: 40 }),
        (steps) => {
          const p = createAccountantParser({ cluster: 'c' });
          let value = 0;
          let total = 0;
          const lines = steps.map((s, i) => {
            value += s;
            return `policy_accept_counter{pod="p",pod_namespace="n",type="tw",policy="n/knp.default.x"} ${value} ${1_700_000_000_000 + i * 60_000}`;
          });
          lines.forEach((l, i) => {
            for (const f of p.parseLine(l, i + 1).flows) total += f.packets ?? 0;
          });
          expect(total).toBe(value - (steps[0] ?? 0));
        },
      ),
    );
  });

  it('a decrease counts as a reset: the delta is the new value', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), (a, b) => {
        fc.pre(b < a);
        const p = createAccountantParser({ cluster: 'c' });
        const l = (v: number, t: number) => `no_policy_drop_counter{pod="p",type="fw"} ${v} ${t}`;
        p.parseLine(l(a, 1000), 1);
        const out = p.parseLine(l(b, 2000), 2).flows;
        expect(out.map((f) => f.packets)).toEqual(b === 0 ? [] : [b]);
      }),
    );
  });
});
