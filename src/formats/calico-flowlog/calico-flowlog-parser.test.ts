import { describe, expect, it } from 'vitest';

import { fixture, runParser } from '../../testing/fixtures/formats/run-parser.js';
import { createCalicoFlowLogParser } from './calico-flowlog-parser.js';
import { parsePolicyKey } from './policy-key.js';

const parse = (text: string) => runParser(createCalicoFlowLogParser({ cluster: 'fallback' }), text);

describe('calico flow log parser', () => {
  const run = parse(fixture('calico-flowlog.jsonl'));
  const [allow, eot, explicit, staged, host] = run.flows;

  it('maps documents and search hits', () => {
    expect(run.errors).toEqual([]);
    expect(run.flows).toHaveLength(5);
    expect(allow).toMatchObject({
      time: 1741079700000,
      durationMs: 300000,
      cluster: 'prod-eu1',
      node: 'worker-a3',
      verdict: 'allowed',
      reason: 'allowed-by-policy',
      direction: 'ingress',
      protocol: 'TCP',
      port: 8080,
      flows: 2,
      packets: 80,
      bytes: 54330,
      bytesToDst: 6120,
      bytesToSrc: 48210,
      source: 'calico-flowlog',
    });
    expect(allow!.src).toMatchObject({
      kind: 'pod',
      pod: 'frontend-6c9b7d8f4-*',
      aggregated: true,
      ip: '10.0.3.17',
    });
    expect(allow!.policies).toEqual([
      {
        kind: 'NetworkPolicy',
        namespace: 'shop',
        name: 'cart-allow-frontend',
        tier: 'default',
        staged: false,
        rule: '0',
        action: 'allow',
      },
    ]);
  });

  it('tells end-of-tier denies from deny rules', () => {
    expect(eot).toMatchObject({ verdict: 'denied', reason: 'policy-denied' });
    expect(eot!.src.pod).toBe('frontend-6c9b7d8f4-x2lkq');
    expect(eot!.src.aggregated).toBeUndefined();
    expect(eot!.policies[0]).toMatchObject({
      kind: 'EndOfTier',
      namespace: 'payments',
      name: 'ledger-ingress',
      rule: null,
    });
    expect(explicit).toMatchObject({
      verdict: 'denied',
      reason: 'explicit-deny',
      direction: 'egress',
      bytesToDst: 240,
    });
    expect(explicit!.dst).toMatchObject({
      kind: 'external',
      externalGroup: 'private',
      ip: '169.254.169.254',
      dnsNames: ['metadata.google.internal'],
    });
    expect(explicit!.policies[0]).toMatchObject({
      kind: 'GlobalNetworkPolicy',
      tier: 'security',
      name: 'deny-metadata',
      rule: '3',
    });
  });

  it('turns a pending staged deny into audit and reads numbers as strings', () => {
    expect(staged).toMatchObject({
      verdict: 'audit',
      reason: 'staged-deny',
      flows: 55,
      packets: 2000,
      bytes: 1290000,
    });
    expect(staged!.src).toMatchObject({ kind: 'external', externalGroup: 'world' });
    expect(staged!.policies.map((p) => [p.kind, p.name, p.staged])).toEqual([
      ['Profile', 'kns.site', false],
      ['StagedNetworkPolicy', 'web-lockdown', true],
    ]);
  });

  it('maps host endpoints and network sets', () => {
    expect(host!.src).toMatchObject({
      kind: 'host',
      workload: { kind: 'HostEndpoint', name: 'worker-a3' },
    });
    expect(host!.dst).toMatchObject({ kind: 'external', externalGroup: 'corp-ranges' });
    expect(host).toMatchObject({ protocol: 'ICMP', port: null, flows: 5 });
  });

  it('reports bad documents with line and field', () => {
    const bad = parse(fixture('calico-flowlog-bad.jsonl'));
    expect(bad.errors.map((e) => [e.line, e.field])).toEqual([
      [1, 'action'],
      [2, 'policies.enforced_policies'],
      [3, 'start_time'],
      [4, undefined],
      [5, 'dest_port'],
      [6, 'bytes_in'],
    ]);
    expect(bad.flows).toHaveLength(1);
  });
});

describe('Calico policy keys', () => {
  it.each([
    [
      'ns/knp.default.deny-all',
      { kind: 'NetworkPolicy', namespace: 'ns', name: 'deny-all', tier: 'default', staged: false },
    ],
    [
      'ns/staged:knp.default.x',
      { kind: 'StagedKubernetesNetworkPolicy', namespace: 'ns', name: 'x', staged: true },
    ],
    [
      'ns/sec.allow-a',
      { kind: 'CalicoNetworkPolicy', namespace: 'ns', name: 'allow-a', tier: 'sec' },
    ],
    [
      'platform.allow-dns',
      { kind: 'GlobalNetworkPolicy', namespace: null, name: 'allow-dns', tier: 'platform' },
    ],
    ['staged:default.g', { kind: 'StagedGlobalNetworkPolicy', name: 'g', staged: true }],
    ['__PROFILE__.kns.shop', { kind: 'Profile', name: 'kns.shop' }],
  ])('%s', (key, expected) => {
    expect(parsePolicyKey(key)).toMatchObject(expected);
  });
});
