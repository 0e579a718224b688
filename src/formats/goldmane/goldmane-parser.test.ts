import { describe, expect, it } from 'vitest';

import { fixture, runParser } from '../../testing/fixtures/formats/run-parser.js';
import { createGoldmaneParser } from './goldmane-parser.js';

const parse = (text: string) => runParser(createGoldmaneParser({ cluster: 'prod-eu1' }), text);

describe('goldmane / whisker parser', () => {
  const run = parse(fixture('goldmane-flows.jsonl'));
  const [allow, eot, explicit, staged, profile, proto, sse] = run.flows;

  it('maps every record to one flow and skips event-stream framing', () => {
    expect(run.errors).toEqual([]);
    expect(run.flows).toHaveLength(7);
    expect(run.skipped).toBe(2);
  });

  it('sums counters and splits bytes by reporter', () => {
    expect(allow).toMatchObject({
      time: Date.parse('2025-03-04T09:15:00Z'),
      durationMs: 15000,
      verdict: 'allowed',
      reason: 'allowed-by-policy',
      direction: 'ingress',
      protocol: 'TCP',
      port: 8080,
      flows: 1,
      packets: 80,
      bytes: 54330,
      // Reporter Dst: what it received came from the source.
      bytesToDst: 6120,
      bytesToSrc: 48210,
      source: 'goldmane',
      cluster: 'prod-eu1',
    });
    expect(allow!.src).toMatchObject({
      kind: 'pod',
      namespace: 'shop',
      pod: 'frontend-6c9b7d8f4-*',
      aggregated: true,
      labels: { app: 'frontend', 'app.kubernetes.io/part-of': 'shop' },
      ip: null,
    });
    // The pending copy of the enforced hit adds nothing.
    expect(allow!.policies).toEqual([
      {
        kind: 'NetworkPolicy',
        namespace: 'shop',
        name: 'cart-allow-frontend',
        rule: '0',
        action: 'allow',
        staged: false,
        tier: 'default',
      },
    ]);
    expect(eot).toMatchObject({ direction: 'egress', bytesToDst: 180, bytesToSrc: 0, packets: 3 });
  });

  it('maps EndOfTier deny to policy-denied with the triggering policy, Deny rules to explicit-deny', () => {
    expect(eot).toMatchObject({ verdict: 'denied', reason: 'policy-denied' });
    expect(eot!.policies).toEqual([
      {
        kind: 'EndOfTier',
        namespace: 'shop',
        name: 'default.shop-egress',
        rule: null,
        action: 'deny',
        staged: false,
        tier: 'default',
      },
    ]);
    expect(explicit).toMatchObject({
      verdict: 'denied',
      reason: 'explicit-deny',
      protocol: 'UDP',
      port: 53,
    });
    expect(explicit!.dst).toMatchObject({
      kind: 'external',
      externalGroup: 'world',
      ip: null,
      pod: null,
    });
  });

  it('turns a pending deny into audit / staged-deny, with Pass handing on', () => {
    expect(staged).toMatchObject({ verdict: 'audit', reason: 'staged-deny' });
    expect(staged!.dst).toMatchObject({ kind: 'external', externalGroup: 'private' });
    expect(staged!.policies.map((p) => [p.name, p.action, p.staged])).toEqual([
      ['platform.pass-to-apps', 'pass', false],
      ['default.cart-egress', 'allow', false],
      ['default.cart-lockdown', 'deny', true],
    ]);
  });

  it('reads profiles, numbers as strings and SCTP', () => {
    expect(profile).toMatchObject({
      reason: 'not-isolated',
      protocol: 'SCTP',
      packets: 124,
      bytes: 17800,
    });
    expect(profile!.src.externalGroup).toBe('world');
  });

  it('reads goldmane protobuf JSON (FlowResult, Key, epoch seconds, connection counts)', () => {
    expect(proto).toMatchObject({
      time: 1741079700000,
      durationMs: 15000,
      protocol: 'ICMP',
      port: null,
      flows: 5,
      packets: 20,
      verdict: 'allowed',
      reason: 'allowed-by-policy',
    });
    expect(proto!.dst.labels).toEqual({ app: 'node-exporter' });
    expect(sse).toMatchObject({
      verdict: 'denied',
      reason: 'policy-denied',
      flows: 4,
      port: 443,
      packets: 4,
      bytes: 240,
      bytesToDst: 240,
      bytesToSrc: null,
    });
    expect(sse!.src).toMatchObject({
      kind: 'host',
      workload: { kind: 'HostEndpoint', name: 'worker-a3-eth0' },
    });
    expect(sse!.dst).toMatchObject({ kind: 'external', externalGroup: 'partner-ranges' });
    expect(sse!.policies[0]).toMatchObject({ kind: 'EndOfTier', name: 'platform.hosts-egress' });
  });
});

describe('goldmane parser errors', () => {
  it('reports bad records with line numbers and fields', () => {
    const run = parse(fixture('goldmane-bad.jsonl'));
    expect(run.errors.map((e) => [e.line, e.field])).toEqual([
      [1, 'action'],
      [2, 'start_time'],
      [3, 'dest_port'],
      [4, undefined],
      [5, 'packets_in'],
      [6, 'source_labels'],
      [8, undefined],
    ]);
    expect(run.flows.map((f) => f.reason)).toEqual(['policy-denied']);
  });
});
