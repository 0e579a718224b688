import { describe, expect, it } from 'vitest';

import { externalEndpoint, makeFlow, podEndpoint, T0 } from '../../testing/flow-factory.js';
import { versionChanges } from './changes.js';
import { deniedBySource, DeniedSources, detectDenied } from './denied.js';
import { DEFAULT_DETECT_OPTIONS } from './options.js';
import { groupViolations } from './violations.js';

const O = DEFAULT_DETECT_OPTIONS.denied;
const MIN = 60_000;

describe('groupViolations', () => {
  it('keys by source, destination, port, protocol, direction and policy, with counts and peers', () => {
    const flows = [
      makeFlow({ time: T0 }),
      makeFlow({ time: T0 + MIN, src: { pod: 'frontend-7d4b9c6f5-aaaaa' } }),
      makeFlow({ time: T0 + 2 * MIN, port: 9999 }),
      makeFlow({ time: T0 + 3 * MIN, reason: 'non-policy-drop' }),
    ];
    const v = groupViolations(flows);
    expect(v).toHaveLength(2);
    const main = v.find((x) => x.port === 8443);
    expect(main).toMatchObject({
      src: 'shop/frontend',
      dst: 'payments/api',
      count: 2,
      firstSeen: T0,
    });
    expect(main?.lastSeen).toBe(T0 + MIN);
    expect(main?.srcPeers).toHaveLength(2);
    expect(main?.policyOrReason).toBe('payments/default-deny');
  });
});

describe('detectDenied', () => {
  it('calls many ports on one host a port scan', () => {
    const flows = Array.from({ length: 40 }, (_, i) =>
      makeFlow({ time: T0 + i * 1000, port: 1000 + i }),
    );
    const [f, ...rest] = detectDenied(flows, O);
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ type: 'port-scan', severity: 'high' });
    expect(f?.evidence.distinctPorts).toBe(40);
    expect(f?.subject).toMatchObject({ namespace: 'shop', workload: 'frontend' });
    expect(f?.explanation).toContain('40 different ports');
  });

  it('calls one port on many workloads an IP sweep', () => {
    const flows = Array.from({ length: 12 }, (_, i) =>
      makeFlow({
        time: T0 + i * 10_000,
        port: 22,
        dst: podEndpoint(`ns${i % 4}`, `app${i}`, `10.244.3.${i}`),
      }),
    );
    const found = detectDenied(flows, O);
    expect(found.map((f) => f.type)).toEqual(['ip-sweep']);
    expect(found[0]?.evidence.distinctHosts).toBe(12);
  });

  it('calls an internet source trying several ports an external probe, subject the target', () => {
    const flows = [22, 3306, 6379, 8080].map((port, i) =>
      makeFlow({ time: T0 + i * 5000, port, src: externalEndpoint('203.0.113.9') }),
    );
    const [f] = detectDenied(flows, O);
    expect(f).toMatchObject({ type: 'external-probe', severity: 'high' });
    expect(f?.subject).toMatchObject({
      namespace: 'payments',
      workload: 'api',
      peer: '203.0.113.9',
    });
  });

  it('calls periodic blocked egress a possible beacon, irregular blocked egress not', () => {
    const to = (ip: string, t: number) =>
      makeFlow({ time: t, direction: 'egress', port: 443, dst: externalEndpoint(ip) });
    const periodic = Array.from({ length: 30 }, (_, i) =>
      to('198.51.100.7', T0 + i * MIN + (i % 3) * 500),
    );
    const [beacon] = detectDenied(periodic, O);
    expect(beacon).toMatchObject({ type: 'blocked-egress', severity: 'high' });
    expect(beacon?.explanation).toContain('beacon');
    const gaps = [1, 9, 2, 14, 3, 1, 20, 5, 2, 11, 7, 1];
    let t = T0;
    const irregular = gaps.map((g) => to('198.51.100.8', (t += g * MIN)));
    const [plain] = detectDenied(irregular, O);
    expect(plain).toMatchObject({ type: 'blocked-egress', severity: 'medium' });
    expect(plain?.explanation).not.toContain('beacon');
  });

  it('calls a persistent call from several replicas to one service a misconfiguration, and notes a new version', () => {
    const v1 = { 'app.kubernetes.io/version': '1.0.0' };
    const v2 = { 'app.kubernetes.io/version': '1.1.0' };
    const before = makeFlow({
      time: T0 - 20 * MIN,
      verdict: 'allowed',
      reason: 'allowed-by-policy',
      src: { labels: v1 },
    });
    const flows = Array.from({ length: 20 }, (_, i) =>
      makeFlow({ time: T0 + i * MIN, src: { pod: `frontend-7d4b9c6f5-r${i % 3}`, labels: v2 } }),
    );
    const [f] = detectDenied(flows, O, versionChanges([before, ...flows]));
    expect(f).toMatchObject({ type: 'misconfiguration' });
    expect(f?.explanation).toContain('3 replicas');
    expect(f?.explanation).toContain('version 1.1.0');
    expect(f?.evidence.extra['coincidesWithChange']).toBe(1);
  });

  it('ignores non-policy drops and lone attempts', () => {
    const drops = Array.from({ length: 50 }, (_, i) =>
      makeFlow({ time: T0 + i * 1000, port: 1000 + i, reason: 'non-policy-drop' }),
    );
    expect(detectDenied(drops, O)).toEqual([]);
    expect(detectDenied([makeFlow()], O)).toEqual([]);
  });

  it('groups denials by source the same whether fed at once or in parts, in any order', () => {
    const flows = [
      ...Array.from({ length: 30 }, (_, i) => makeFlow({ time: T0 + i * 1000, port: 2000 + i })),
      ...Array.from({ length: 10 }, (_, i) =>
        makeFlow({
          time: T0 + i * 7000,
          src: { pod: 'cart-1', workload: { kind: 'Deployment', name: 'cart' } },
        }),
      ),
      makeFlow({ time: T0, reason: 'non-policy-drop' }),
    ];
    const whole = deniedBySource(flows);
    const parts = new DeniedSources();
    const reversed = [...flows].reverse();
    parts.add(reversed.slice(0, 13));
    parts.add(reversed.slice(13));
    expect(parts.lists()).toEqual(whole);
    expect(whole.map((l) => l.length)).toEqual([10, 30]);
    const times = whole[0]?.map((f) => f.time) ?? [];
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('splits a source into episodes at quiet gaps', () => {
    const burst = (t0: number) =>
      Array.from({ length: 30 }, (_, i) => makeFlow({ time: t0 + i * 1000, port: 2000 + i }));
    const found = detectDenied([...burst(T0), ...burst(T0 + 3 * 3_600_000)], O);
    expect(found.map((f) => f.type)).toEqual(['port-scan', 'port-scan']);
  });
});
