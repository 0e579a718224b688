/**
 * Realistic domain flows for tests: every field filled the way a Hubble or Calico source fills
 * it, with overrides for what a test cares about. Re-exported by src/testing/flow-factory.ts;
 * it lives here because the store contract suite (store layer) may not import src/testing.
 */
import { type Endpoint, type Flow, type PolicyRef, unknownEndpoint } from '../../domain/flow.js';

export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

export type EndpointOverrides = Partial<Endpoint>;
export type FlowOverrides = Partial<Omit<Flow, 'src' | 'dst'>> & {
  src?: EndpointOverrides;
  dst?: EndpointOverrides;
};

export function podEndpoint(
  namespace: string,
  workload: string,
  ip: string,
  over: EndpointOverrides = {},
): Endpoint {
  return {
    kind: 'pod',
    namespace,
    pod: `${workload}-7d4b9c6f5-x2k8p`,
    workload: { kind: 'Deployment', name: workload },
    labels: { app: workload, 'app.kubernetes.io/part-of': namespace },
    ip,
    dnsNames: [],
    externalGroup: null,
    ...over,
  };
}

/** An endpoint known by its IP alone, as a source reports a peer it cannot name. */
export function bareEndpoint(ip: string): Endpoint {
  return { ...unknownEndpoint(), ip };
}

export function externalEndpoint(
  ip: string,
  group = 'world',
  over: EndpointOverrides = {},
): Endpoint {
  return {
    kind: 'external',
    namespace: null,
    pod: null,
    workload: null,
    labels: { 'reserved:world': '' },
    ip,
    dnsNames: ['api.example.com'],
    externalGroup: group,
    ...over,
  };
}

export function denyPolicy(namespace: string, name: string): PolicyRef {
  return {
    kind: 'NetworkPolicy',
    namespace,
    name,
    rule: null,
    action: 'deny',
    staged: false,
    tier: null,
  };
}

export function allowPolicy(namespace: string, name: string, rule = '0'): PolicyRef {
  return { ...denyPolicy(namespace, name), action: 'allow', rule };
}

/** A denied Hubble-style TCP flow from shop/frontend to payments/api, overridable. */
export function makeFlow(over: FlowOverrides = {}): Flow {
  const { src, dst, ...rest } = over;
  const base: Flow = {
    time: T0,
    cluster: 'prod-eu1',
    src: podEndpoint('shop', 'frontend', '10.244.1.17', src),
    dst: podEndpoint('payments', 'api', '10.244.2.31', dst),
    protocol: 'TCP',
    port: 8443,
    direction: 'ingress',
    verdict: 'denied',
    reason: 'policy-denied',
    dropReason: 'POLICY_DENIED',
    policies: [denyPolicy('payments', 'default-deny')],
    flows: 1,
    packets: null,
    bytes: null,
    bytesToDst: null,
    bytesToSrc: null,
    source: 'hubble',
    node: 'worker-2',
    durationMs: 0,
  };
  return { ...base, ...rest };
}

/** An allowed flow with Goldmane-style counters (packets and bytes both ways). */
export function makeAllowedFlow(over: FlowOverrides = {}): Flow {
  return makeFlow({
    verdict: 'allowed',
    reason: 'allowed-by-policy',
    dropReason: null,
    policies: [allowPolicy('payments', 'allow-frontend')],
    source: 'goldmane',
    flows: 3,
    packets: 42,
    bytes: 9_000,
    bytesToDst: 3_000,
    bytesToSrc: 6_000,
    durationMs: 15_000,
    ...over,
  });
}

/** A deterministic pseudo-random generator (mulberry32) for reproducible bulk data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `n` varied Hubble-like flows over `spanMs` from `start`: several namespaces and workloads,
 * about `deniedShare` denied, both directions, some external peers, UDP DNS and ICMP.
 */
export function makeFlows(
  n: number,
  opts: { seed?: number; start?: number; spanMs?: number; deniedShare?: number } = {},
): Flow[] {
  const rnd = seededRandom(opts.seed ?? 1);
  const start = opts.start ?? T0;
  const span = opts.spanMs ?? 3_600_000;
  const share = opts.deniedShare ?? 0.1;
  const nss = ['shop', 'payments', 'kube-system', 'monitoring', 'batch'];
  const out: Flow[] = [];
  for (let i = 0; i < n; i++) {
    const sNs = nss[Math.floor(rnd() * nss.length)] as string;
    const dNs = nss[Math.floor(rnd() * nss.length)] as string;
    const denied = rnd() < share;
    const kind = rnd();
    const ip = (k: number): string => `10.244.${k}.${Math.floor(rnd() * 250) + 1}`;
    const dst =
      kind < 0.1
        ? externalEndpoint(`203.0.113.${Math.floor(rnd() * 250) + 1}`)
        : podEndpoint(dNs, `svc-${Math.floor(rnd() * 6)}`, ip(2));
    const proto = kind > 0.95 ? 'ICMP' : kind > 0.85 ? 'UDP' : 'TCP';
    const base = {
      time: start + Math.floor(rnd() * span),
      src: podEndpoint(sNs, `app-${Math.floor(rnd() * 8)}`, ip(1)),
      dst,
      protocol: proto,
      port: proto === 'ICMP' ? null : proto === 'UDP' ? 53 : [80, 443, 8080, 5432][i % 4]!,
      direction: rnd() < 0.5 ? 'ingress' : 'egress',
    } as const;
    out.push(
      denied
        ? makeFlow(base)
        : makeFlow({
            ...base,
            verdict: 'allowed',
            reason: 'allowed-by-policy',
            dropReason: null,
            policies: [allowPolicy(dNs, 'allow-app')],
          }),
    );
  }
  return out;
}

/** Text that array literals, CSV, JSON or SQL would take apart if a store quoted it wrong. */
export const HOSTILE_TEXTS = [
  'q"uote',
  'back\\slash',
  '\\"',
  'comma,brace{}',
  'NULL',
  '',
  ' spaced ',
  'new\nline\ttab',
  '{"json":[1]}',
  "it's",
  'emoji \u{1F600} åäö',
];

/** Denied flows (so every one is kept as a raw event) with `HOSTILE_TEXTS` in their text fields. */
export function hostileFlows(): Flow[] {
  return HOSTILE_TEXTS.map((t, i) =>
    makeFlow({
      time: T0 + i * 1000,
      cluster: t,
      src: { pod: t, labels: { app: t, [`k${t}`]: t }, workload: { kind: 'Deployment', name: t } },
      dst: externalEndpoint('203.0.113.9', t, { dnsNames: [t, `${t}.example`] }),
      direction: 'egress',
      policies: [denyPolicy(t, t)],
      node: t,
    }),
  );
}
