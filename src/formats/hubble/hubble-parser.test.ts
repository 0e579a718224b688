import { describe, expect, it } from 'vitest';

import { parseCidr } from '../../domain/ip.js';
import { fixture, runParser } from '../../testing/fixtures/formats/run-parser.js';
import { createHubbleParser } from './hubble-parser.js';

const parse = (text: string) => runParser(createHubbleParser({ cluster: 'fallback' }), text);

describe('hubble parser over the flows fixture', () => {
  const run = parse(fixture('hubble-flows.jsonl'));

  it('counts verdict and drop events, skips duplicates, and reports lost events', () => {
    expect(run.errors).toEqual([]);
    // 24 lines: 16 flows; 7 skipped (trace, reply, TRACED, TRANSLATED, node_status, agent_event,
    // L7 forward) and the lost_events line.
    expect(run.perLine).toEqual([
      1, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1,
    ]);
    expect(run.skipped).toBe(7);
    expect(run.lostEvents).toBe(37);
    for (const f of run.flows) {
      expect(f.flows).toBe(1);
      expect(f.packets).toBeNull();
      expect(f.bytes).toBeNull();
      expect(f.source).toBe('hubble');
    }
  });

  it('maps an allowed policy verdict with pods, workloads, labels and the allowing policy', () => {
    const f = run.flows[0]!;
    expect(f).toMatchObject({
      time: Date.parse('2025-03-04T09:15:01.123Z'),
      cluster: 'prod-eu1',
      protocol: 'TCP',
      port: 8080,
      direction: 'ingress',
      verdict: 'allowed',
      reason: 'allowed-by-policy',
      dropReason: null,
      node: 'prod-eu1/worker-a3',
      durationMs: 0,
    });
    expect(f.src).toEqual({
      kind: 'pod',
      namespace: 'shop',
      pod: 'frontend-6c9b7d8f4-x2lkq',
      workload: { kind: 'Deployment', name: 'frontend' },
      labels: { app: 'frontend', 'app.kubernetes.io/part-of': 'shop' },
      ip: '10.0.3.17',
      dnsNames: [],
      externalGroup: null,
    });
    expect(f.dst.pod).toBe('cart-5f7d9c6b8-qm4zt');
    expect(f.policies).toEqual([
      {
        kind: 'NetworkPolicy',
        namespace: 'shop',
        name: 'cart-allow-frontend',
        rule: null,
        action: 'allow',
        staged: false,
        tier: null,
      },
    ]);
  });

  it('maps every drop reason to its domain reason and keeps the source text', () => {
    const byReason = run.flows
      .filter((f) => f.verdict === 'denied')
      .map((f) => [f.reason, f.dropReason, f.protocol]);
    expect(byReason).toEqual([
      ['policy-denied', 'POLICY_DENIED', 'TCP'],
      ['explicit-deny', 'POLICY_DENY', 'UDP'],
      ['non-policy-drop', 'STALE_OR_UNROUTABLE_IP', 'SCTP'],
      ['non-policy-drop', 'ERROR', 'TCP'],
      ['explicit-deny', 'POLICY_DENY', 'TCP'],
      ['policy-denied', 'POLICY_DENIED', 'ICMPv6'],
      ['policy-denied', 'POLICY_DENIED', 'TCP'],
      ['policy-denied', null, 'TCP'],
      ['non-policy-drop', 'CT_MISSING_TCP_ACK_FLAG', 'TCP'],
    ]);
  });

  it('marks world peers external with their DNS names and explicit deny policy', () => {
    const f = run.flows[2]!;
    expect(f.direction).toBe('egress');
    expect(f.port).toBe(123);
    expect(f.dst).toMatchObject({
      kind: 'external',
      ip: '203.0.113.77',
      externalGroup: 'world',
      dnsNames: ['ntp.example.net'],
      labels: {},
    });
    expect(f.policies[0]).toMatchObject({ name: 'deny-external-ntp', action: 'deny' });
  });

  it('maps audit, redirect, host, remote-node, CIDR identities and numbers sent as strings', () => {
    const audit = run.flows.find((f) => f.verdict === 'audit')!;
    expect(audit).toMatchObject({ reason: 'staged-deny', protocol: 'ICMP', port: null });
    const dns = run.flows.find((f) => f.port === 53)!;
    expect(dns).toMatchObject({ verdict: 'allowed', protocol: 'UDP', reason: 'allowed-by-policy' });
    expect(dns.dst.workload).toEqual({ kind: 'Deployment', name: 'coredns' });
    const bare = run.flows.find((f) => f.node === 'worker-b1')!;
    expect(bare).toMatchObject({ port: 5432, cluster: 'fallback', reason: 'explicit-deny' });
    expect(bare.policies[0]?.kind).toBe('CiliumNetworkPolicy');
    expect(run.flows.find((f) => f.port === 443)!.dst).toMatchObject({
      kind: 'external',
      externalGroup: 'world',
      dnsNames: ['api.payments-partner.example'],
    });
    expect(run.flows.find((f) => f.src.ip === '10.0.3.1')!.src.kind).toBe('host');
    expect(run.flows.find((f) => f.src.ip === '172.18.0.4')!.src.kind).toBe('host');
    expect(run.flows.find((f) => f.port === 3306)!.dst).toMatchObject({
      kind: 'external',
      externalGroup: 'private',
    });
  });

  it('reads jsonpb camelCase output', () => {
    const f = run.flows.find((x) => x.time === Date.parse('2025-03-04T09:15:16.123Z'))!;
    expect(f).toMatchObject({ verdict: 'denied', reason: 'policy-denied', port: 5432 });
    expect(f.src.pod).toBe('frontend-6c9b7d8f4-x2lkq');
    expect(f.node).toBe('prod-eu1/worker-b1');
  });

  it('groups external IPs by configured named CIDRs first', () => {
    const named = [{ name: 'partner', cidr: parseCidr('198.51.100.0/24')! }];
    const r = runParser(
      createHubbleParser({ cluster: 'c', namedCidrs: named }),
      fixture('hubble-flows.jsonl'),
    );
    expect(r.flows.find((f) => f.port === 443)!.dst.externalGroup).toBe('partner');
  });
});

describe('hubble parser error reporting', () => {
  const run = parse(fixture('hubble-bad.jsonl'));

  it('rejects each bad record with its line and field, and keeps the good ones', () => {
    expect(run.flows.map((f) => f.port)).toEqual([8080, 53]);
    expect(run.errors.map((e) => [e.line, e.field])).toEqual([
      [2, undefined],
      [3, undefined],
      [4, undefined],
      [6, 'flow.verdict'],
      [7, 'flow.l4.TCP.destination_port'],
      [8, 'flow.time'],
      [9, 'flow.l4.TCP'],
      [10, 'lost_events.num_events_lost'],
      [11, 'flow'],
      [12, 'flow.time'],
    ]);
    expect(run.errors[0]!.message).toMatch(/invalid JSON/);
    expect(run.errors[3]!.message).toContain('MAYBE');
  });

  it('skips blank lines silently', () => {
    expect(parse('\n   \n\t').errors).toEqual([]);
    expect(parse('\n').skipped).toBe(0);
  });
});
