import { describe, expect, it } from 'vitest';

import {
  allowedPortsBetween,
  buildClusterModel,
  type ClusterInput,
  type ClusterModel,
  type Endpoint,
  evaluateConnection,
  ipEndpoint,
  isConnectionAllowed,
  isolation,
  podEndpoint,
  resolveEndpoint,
} from './index.js';

function model(input: ClusterInput): ClusterModel {
  const r = buildClusterModel(input);
  expect(r.errors).toEqual([]);
  return r.model;
}

const pod = (m: ClusterModel, key: string): Endpoint => podEndpoint(m, key)!;

// shop: web (8080 named http), db (5432 named pg, UDP 53 named dns); other: client
const base: ClusterInput = {
  namespaces: [
    { name: 'shop', labels: { team: 'a' } },
    { name: 'other', labels: { team: 'b' } },
  ],
  pods: [
    {
      namespace: 'shop',
      name: 'web',
      labels: { app: 'web' },
      ip: '10.0.0.1',
      ports: [{ name: 'http', containerPort: 8080 }],
    },
    {
      namespace: 'shop',
      name: 'db',
      labels: { app: 'db' },
      ip: '10.0.0.2',
      ports: [
        { name: 'pg', containerPort: 5432 },
        { name: 'dns', containerPort: 53, protocol: 'UDP' },
      ],
    },
    { namespace: 'other', name: 'client', labels: { app: 'web' }, ip: '10.0.1.1' },
  ],
};

const withPolicies = (
  ...policies: { name: string; namespace?: string; spec: unknown }[]
): ClusterModel => model({ ...base, policies: policies.map((p) => ({ namespace: 'shop', ...p })) });

describe('evaluateConnection', () => {
  it('allows everything when no policy selects either side', () => {
    const m = model(base);
    const e = evaluateConnection(m, pod(m, 'shop/web'), pod(m, 'shop/db'), 'TCP', 1);
    expect(e.allowed).toBe(true);
    expect(e.egress).toMatchObject({ evaluated: true, isolated: false, allowed: true });
  });

  it('a podSelector-only peer is limited to the policy namespace', () => {
    const m = withPolicies({
      name: 'db',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
      },
    });
    expect(evaluateConnection(m, pod(m, 'shop/web'), pod(m, 'shop/db'), 'TCP', 5432).allowed).toBe(
      true,
    );
    const e = evaluateConnection(m, pod(m, 'other/client'), pod(m, 'shop/db'), 'TCP', 5432);
    expect(e.allowed).toBe(false);
    expect(e.ingress.deniedBy).toEqual([
      {
        policy: 'shop/db',
        reason: 'no-peer-matched',
        detail: 'no ingress rule matches other/client',
      },
    ]);
  });

  it('namespaceSelector AND podSelector in one peer, OR across peers', () => {
    const and = withPolicies({
      name: 'p',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { team: 'b' } },
                podSelector: { matchLabels: { app: 'nope' } },
              },
            ],
          },
        ],
      },
    });
    expect(
      evaluateConnection(and, pod(and, 'other/client'), pod(and, 'shop/db'), 'TCP', 1).allowed,
    ).toBe(false);
    const or = withPolicies({
      name: 'p',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { team: 'b' } } },
              { podSelector: { matchLabels: { app: 'nope' } } },
            ],
          },
        ],
      },
    });
    expect(
      evaluateConnection(or, pod(or, 'other/client'), pod(or, 'shop/db'), 'TCP', 1).allowed,
    ).toBe(true);
  });

  it('matches namespaces by the implicit kubernetes.io/metadata.name label', () => {
    const m = withPolicies({
      name: 'p',
      spec: {
        podSelector: {},
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'other' } } },
            ],
          },
        ],
      },
    });
    expect(evaluateConnection(m, pod(m, 'other/client'), pod(m, 'shop/db'), 'TCP', 1).allowed).toBe(
      true,
    );
    expect(evaluateConnection(m, pod(m, 'shop/web'), pod(m, 'shop/db'), 'TCP', 1).allowed).toBe(
      false,
    );
  });

  it('needs egress at the source AND ingress at the destination', () => {
    const m = withPolicies({
      name: 'deny-egress',
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'] },
    });
    const e = evaluateConnection(m, pod(m, 'shop/web'), pod(m, 'shop/db'), 'TCP', 5432);
    expect(e.allowed).toBe(false);
    expect(e.egress.deniedBy[0]).toMatchObject({ policy: 'shop/deny-egress', reason: 'no-rules' });
    expect(e.ingress.allowed).toBe(true);
    const web = pod(m, 'shop/web');
    expect(web.kind === 'pod' && isolation(m, web.pod.id, 'egress')).toEqual(['shop/deny-egress']);
  });

  it('resolves named ports on the destination pod, for egress rules too, with the protocol', () => {
    const m = withPolicies({
      name: 'web-out',
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        egress: [{ ports: [{ port: 'pg' }, { port: 'dns', protocol: 'UDP' }] }],
      },
    });
    const web = pod(m, 'shop/web');
    const db = pod(m, 'shop/db');
    expect(isConnectionAllowed(m, web, db, 'TCP', 5432)).toBe(true);
    expect(isConnectionAllowed(m, web, db, 'UDP', 53)).toBe(true);
    expect(isConnectionAllowed(m, web, db, 'TCP', 53)).toBe(false);
    // The destination "client" declares no "pg" port.
    const e = evaluateConnection(m, web, pod(m, 'other/client'), 'TCP', 5432);
    expect(e.egress.deniedBy[0]).toMatchObject({ reason: 'named-port-not-found', rule: 1 });
    // External destination: a named port can never match.
    expect(isConnectionAllowed(m, web, ipEndpoint('8.8.8.8')!, 'TCP', 5432)).toBe(false);
  });

  it('explains a port mismatch with the nearest miss', () => {
    const m = withPolicies({
      name: 'db',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ ports: [{ port: 80 }, { port: 9000, endPort: 9100, protocol: 'SCTP' }] }],
      },
    });
    const e = evaluateConnection(m, pod(m, 'shop/web'), pod(m, 'shop/db'), 'TCP', 8080);
    expect(e.ingress.deniedBy).toEqual([
      {
        policy: 'shop/db',
        reason: 'port-mismatch',
        rule: 1,
        detail: 'rule 1 allows 80/TCP, 9000-9100/SCTP, not 8080/TCP',
      },
    ]);
    expect(isConnectionAllowed(m, pod(m, 'shop/web'), pod(m, 'shop/db'), 'SCTP', 9050)).toBe(true);
    expect(isConnectionAllowed(m, pod(m, 'shop/web'), pod(m, 'shop/db'), 'TCP', 9050)).toBe(false);
  });

  it('a protocol with no port allows every port of that protocol only', () => {
    const m = withPolicies({
      name: 'udp',
      spec: { podSelector: {}, ingress: [{ ports: [{ protocol: 'UDP' }] }] },
    });
    expect(isConnectionAllowed(m, pod(m, 'shop/web'), pod(m, 'shop/db'), 'UDP', 12345)).toBe(true);
    expect(isConnectionAllowed(m, pod(m, 'shop/web'), pod(m, 'shop/db'), 'TCP', 12345)).toBe(false);
  });

  it('unions policies and lists every allowing rule, 1-based', () => {
    const m = withPolicies(
      {
        name: 'a',
        spec: { podSelector: {}, ingress: [{ ports: [{ port: 1 }] }, { ports: [{ port: 5432 }] }] },
      },
      { name: 'b', spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{}] } },
    );
    const e = evaluateConnection(m, pod(m, 'shop/web'), pod(m, 'shop/db'), 'TCP', 5432);
    expect(e.ingress.allowedBy).toEqual([
      { policy: 'shop/a', rule: 2 },
      { policy: 'shop/b', rule: 1 },
    ]);
    expect(e.ingress.deniedBy).toEqual([]);
  });

  it('ipBlock with except, and the ipBlockMatchesPods option', () => {
    const m = withPolicies({
      name: 'cidr',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.1.0/24'] } }] }],
      },
    });
    const db = pod(m, 'shop/db');
    expect(isConnectionAllowed(m, ipEndpoint('10.0.5.5')!, db, 'TCP', 1)).toBe(true);
    expect(isConnectionAllowed(m, ipEndpoint('10.0.1.5')!, db, 'TCP', 1)).toBe(false);
    expect(isConnectionAllowed(m, pod(m, 'shop/web'), db, 'TCP', 1)).toBe(true);
    expect(
      isConnectionAllowed(m, pod(m, 'shop/web'), db, 'TCP', 1, { ipBlockMatchesPods: false }),
    ).toBe(false);
    expect(isConnectionAllowed(m, pod(m, 'other/client'), db, 'TCP', 1)).toBe(false);
  });

  it('does not evaluate an external side', () => {
    const m = withPolicies({
      name: 'deny',
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    });
    const e = evaluateConnection(m, ipEndpoint('1.2.3.4')!, pod(m, 'shop/db'), 'TCP', 1);
    expect(e.egress).toEqual({
      evaluated: false,
      isolated: false,
      allowed: true,
      allowedBy: [],
      deniedBy: [],
    });
    expect(e.ingress.allowed).toBe(false);
  });

  it('computes allowed port ranges between endpoints', () => {
    const m = withPolicies({
      name: 'db',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          {
            ports: [
              { port: 80, endPort: 90 },
              { port: 85, endPort: 100 },
              { port: 'dns', protocol: 'UDP' },
            ],
          },
        ],
      },
    });
    expect(allowedPortsBetween(m, pod(m, 'shop/web'), pod(m, 'shop/db'))).toEqual({
      TCP: [[80, 100]],
      UDP: [[53, 53]],
      SCTP: [],
    });
  });
});

describe('resolveEndpoint', () => {
  it('resolves pods, pod IPs, external IPs and reports unknown pods', () => {
    const m = model(base);
    expect(resolveEndpoint(m, 'shop/web').endpoint).toMatchObject({ kind: 'pod' });
    expect(resolveEndpoint(m, '10.0.0.2').endpoint).toMatchObject({
      kind: 'pod',
      pod: { name: 'db' },
    });
    expect(resolveEndpoint(m, '192.0.2.1').endpoint).toMatchObject({ kind: 'ip', ip: '192.0.2.1' });
    expect(resolveEndpoint(m, 'shop/nope').error).toBe('unknown pod shop/nope');
    expect(resolveEndpoint(m, 'garbage').error).toMatch(/expected/);
  });
});
