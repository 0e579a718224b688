/**
 * Realistic flows for the browser tests and the UI benchmark: ten namespaces, about sixty
 * workloads, allowed traffic with daily rhythm from three kinds of sources (Goldmane with
 * bytes, Hubble with flows only, calico-accountant with packets only), denied scenarios,
 * external egress, an exfiltration-like spike yesterday, and hostile names (XSS fixture).
 */
import type { Endpoint, Flow, PolicyRef, SourceFormat } from '../src/domain/flow.js';
import type { FlowStore } from '../src/store/flow-store.js';

/** The pinned "now" of the tests: a Wednesday noon, UTC. */
export const NOW = Date.UTC(2026, 2, 11, 12, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const XSS_POD = '<img src=x onerror=alert(1)>';
export const XSS_LABEL = '<script>alert(2)</script>';
export const FORMULA_LABEL = '=HYPERLINK("http://evil.example")';

export const NAMESPACE_WORKLOADS: Record<string, string[]> = {
  'ingress-nginx': ['controller', 'default-backend'],
  frontend: ['web', 'assets', 'bff', 'auth-proxy', 'i18n', 'feature-flags'],
  checkout: ['api', 'cart', 'pricing', 'promotions', 'tax', 'worker'],
  payments: ['api', 'db', 'fraud', 'ledger', 'refunds', 'webhooks', 'vault-agent'],
  catalog: ['api', 'search', 'indexer', 'images', 'reviews', 'recommendations'],
  orders: ['api', 'db', 'events', 'fulfilment', 'invoices', 'notifications'],
  monitoring: [
    'prometheus',
    'alertmanager',
    'grafana',
    'node-exporter',
    'kube-state-metrics',
    'loki',
  ],
  'kube-system': ['coredns', 'metrics-server', 'cilium-operator', 'kube-proxy', 'konnectivity'],
  'dev-sandbox': ['playground', 'notebook', 'scanner', 'test-runner'],
  batch: ['report', 'etl', 'backup', 'cleanup', 'exporter', 'sync'],
};

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

let ipSeq = 10;
const ips = new Map<string, string>();
function podIp(key: string): string {
  let ip = ips.get(key);
  if (!ip) {
    ipSeq += 1;
    ip = `10.244.${Math.floor(ipSeq / 250)}.${ipSeq % 250}`;
    ips.set(key, ip);
  }
  return ip;
}

export function pod(ns: string, workload: string, labels: Record<string, string> = {}): Endpoint {
  return {
    kind: 'pod',
    namespace: ns,
    pod: `${workload}-6c9f7d8b4-q2x7z`,
    workload: { kind: 'Deployment', name: workload },
    labels: { app: workload, 'app.kubernetes.io/part-of': ns, ...labels },
    ip: podIp(`${ns}/${workload}`),
    dnsNames: [],
    externalGroup: null,
  };
}

function external(ip: string, group: string, dns: string[]): Endpoint {
  return {
    kind: 'external',
    namespace: null,
    pod: null,
    workload: null,
    labels: {},
    ip,
    dnsNames: dns,
    externalGroup: group,
  };
}

/** The hostile bare pod: its name is HTML, and so are its labels. */
export function hostilePod(): Endpoint {
  return {
    kind: 'pod',
    namespace: 'dev-sandbox',
    pod: XSS_POD,
    workload: { kind: 'Pod', name: XSS_POD },
    labels: { app: XSS_LABEL, note: FORMULA_LABEL },
    ip: '10.244.9.66',
    dnsNames: [],
    externalGroup: null,
  };
}

const UNKNOWN_PEER: Endpoint = {
  kind: 'unknown',
  namespace: null,
  pod: null,
  workload: null,
  labels: {},
  ip: null,
  dnsNames: [],
  externalGroup: null,
};

const policy = (ns: string, name: string, action: 'allow' | 'deny'): PolicyRef => ({
  kind: 'NetworkPolicy',
  namespace: ns,
  name,
  rule: action === 'allow' ? '0' : null,
  action,
  staged: false,
  tier: null,
});

interface Conn {
  src: () => Endpoint;
  dst: () => Endpoint;
  port: number;
  protocol: 'TCP' | 'UDP';
  bytes: number;
  source: SourceFormat;
}

function allowedConnections(): Conn[] {
  const c = (
    s: [string, string],
    d: [string, string],
    port: number,
    bytes: number,
    source: SourceFormat = 'goldmane',
    protocol: 'TCP' | 'UDP' = 'TCP',
  ): Conn => ({
    src: () => pod(...s),
    dst: () => pod(...d),
    port,
    protocol,
    bytes,
    source,
  });
  const conns: Conn[] = [
    c(['ingress-nginx', 'controller'], ['frontend', 'web'], 8080, 900_000),
    c(['frontend', 'web'], ['frontend', 'bff'], 8080, 400_000),
    c(['frontend', 'bff'], ['catalog', 'api'], 8080, 300_000),
    c(['frontend', 'bff'], ['checkout', 'api'], 8080, 120_000),
    c(['frontend', 'bff'], ['orders', 'api'], 8080, 80_000),
    c(['checkout', 'api'], ['payments', 'api'], 8443, 60_000),
    c(['checkout', 'api'], ['checkout', 'cart'], 6379, 50_000),
    c(['checkout', 'api'], ['checkout', 'pricing'], 8080, 30_000),
    c(['payments', 'api'], ['payments', 'db'], 5432, 200_000),
    c(['payments', 'api'], ['payments', 'fraud'], 8080, 40_000),
    c(['payments', 'ledger'], ['payments', 'db'], 5432, 90_000),
    c(['catalog', 'api'], ['catalog', 'search'], 9200, 250_000),
    c(['catalog', 'indexer'], ['catalog', 'search'], 9200, 500_000),
    c(['orders', 'api'], ['orders', 'db'], 5432, 150_000),
    c(['orders', 'events'], ['orders', 'notifications'], 8080, 20_000),
    c(['batch', 'etl'], ['orders', 'db'], 5432, 700_000),
    c(['batch', 'backup'], ['payments', 'db'], 5432, 300_000),
    c(['monitoring', 'prometheus'], ['payments', 'api'], 9090, 10_000, 'hubble'),
    c(['monitoring', 'prometheus'], ['catalog', 'api'], 9090, 10_000, 'hubble'),
    c(['monitoring', 'prometheus'], ['kube-system', 'coredns'], 9153, 5_000, 'hubble'),
    c(['monitoring', 'grafana'], ['monitoring', 'prometheus'], 9090, 60_000, 'hubble'),
  ];
  // Every workload resolves names through CoreDNS, so all ~60 appear on the map.
  for (const [ns, workloads] of Object.entries(NAMESPACE_WORKLOADS)) {
    for (const wl of workloads) {
      if (ns !== 'kube-system' || wl !== 'coredns') {
        conns.push(c([ns, wl], ['kube-system', 'coredns'], 53, 1_500, 'hubble', 'UDP'));
      }
    }
  }
  conns.push({
    src: hostilePod,
    dst: () => pod('catalog', 'api'),
    port: 8080,
    protocol: 'TCP',
    bytes: 5_000,
    source: 'goldmane',
  });
  const ext = (
    s: [string, string],
    ip: string,
    group: string,
    dns: string[],
    port: number,
    bytes: number,
  ): Conn => ({
    src: () => pod(...s),
    dst: () => external(ip, group, dns),
    port,
    protocol: 'TCP',
    bytes,
    source: 'goldmane',
  });
  conns.push(
    ext(['payments', 'api'], '203.0.113.10', 'payment-gateway', ['api.pay.example'], 443, 80_000),
  );
  conns.push(
    ext(
      ['catalog', 'indexer'],
      '198.51.100.7',
      'package-mirror',
      ['deb.mirror.example'],
      443,
      150_000,
    ),
  );
  conns.push(
    ext(['orders', 'notifications'], '192.0.2.25', 'world', ['smtp.mail.example'], 587, 30_000),
  );
  return conns;
}

function flowOf(
  time: number,
  conn: Pick<Conn, 'port' | 'protocol' | 'source'>,
  src: Endpoint,
  dst: Endpoint,
  bytes: number,
  denied: { policy: PolicyRef | null; reason: Flow['reason'] } | null,
  direction: Flow['direction'],
): Flow {
  const src0 = conn.source;
  const hasBytes = src0 === 'goldmane';
  const packets = Math.max(1, Math.round(bytes / 900));
  return {
    time,
    cluster: 'prod-eu1',
    src,
    dst,
    protocol: conn.protocol,
    port: src0 === 'accountant' ? null : conn.port,
    direction,
    verdict: denied ? 'denied' : 'allowed',
    reason: denied ? denied.reason : 'allowed-by-policy',
    dropReason: denied ? (denied.reason === 'policy-denied' ? 'POLICY_DENIED' : null) : null,
    policies: denied
      ? denied.policy
        ? [denied.policy]
        : []
      : [
          policy(
            dst.namespace ?? src.namespace ?? 'default',
            `allow-${src.workload?.name ?? 'peer'}`.slice(0, 60),
            'allow',
          ),
        ],
    flows: src0 === 'accountant' ? null : 1,
    packets: src0 === 'hubble' ? null : packets,
    bytes: hasBytes ? bytes : null,
    bytesToDst: null,
    bytesToSrc: null,
    source: src0,
    node: 'worker-1',
    durationMs: src0 === 'goldmane' ? 15_000 : 0,
  };
}

/** Diurnal and weekly rhythm: quiet at night and at weekends. */
function rhythm(t: number): number {
  const h = new Date(t).getUTCHours();
  const day = new Date(t).getUTCDay();
  const daily = 0.35 + 0.65 * Math.max(0, Math.sin(((h - 6) / 24) * 2 * Math.PI));
  return daily * (day === 0 || day === 6 ? 0.5 : 1);
}

export interface FixtureOptions {
  days: number;
  /** Minutes between records of one allowed connection. */
  stepMin?: number;
  seed?: number;
}

/** Generates the flows, oldest first. */
export function* generateFlows(opts: FixtureOptions): Generator<Flow> {
  const r = rng(opts.seed ?? 7);
  const step = (opts.stepMin ?? 5) * MIN;
  const start = NOW - opts.days * DAY;
  const conns = allowedConnections();
  const spikeFrom = NOW - DAY + 2 * HOUR;
  for (let t = start; t < NOW; t += step) {
    const k = rhythm(t);
    for (const c of conns) {
      let bytes = Math.round(c.bytes * k * (0.8 + 0.4 * r()));
      const dst = c.dst();
      // Yesterday's scenario: ten times the usual volume to one external peer for an hour.
      if (dst.externalGroup === 'world' && t >= spikeFrom && t < spikeFrom + HOUR) bytes *= 40;
      // Each record was decided either at the source (egress) or at the destination (ingress).
      const dir = dst.kind === 'external' || r() < 0.5 ? 'egress' : 'ingress';
      yield flowOf(t + Math.floor(r() * step), c, c.src(), dst, bytes, null, dir);
    }
    // Accountant reports per pod, without the peer: packets accepted going to node-exporter.
    yield flowOf(
      t,
      { port: 0, protocol: 'TCP', source: 'accountant' },
      UNKNOWN_PEER,
      pod('monitoring', 'node-exporter'),
      4000,
      null,
      'ingress',
    );
    // Denied: batch/report keeps trying payments/db (a misconfiguration: missing allow).
    if (r() < 0.6) {
      yield flowOf(
        t + Math.floor(r() * step),
        { port: 5432, protocol: 'TCP', source: 'hubble' },
        pod('batch', 'report'),
        pod('payments', 'db'),
        0,
        { policy: policy('payments', 'default-deny', 'deny'), reason: 'policy-denied' },
        'ingress',
      );
    }
    // Denied egress from the sandbox to the internet, now and then.
    if (r() < 0.15) {
      yield flowOf(
        t + Math.floor(r() * step),
        { port: 443, protocol: 'TCP', source: 'goldmane' },
        pod('dev-sandbox', 'notebook'),
        external('198.18.0.9', 'world', ['pastebin.example']),
        1200,
        { policy: policy('dev-sandbox', 'deny-egress', 'deny'), reason: 'explicit-deny' },
        'egress',
      );
    }
    // The hostile pod probes payments/api.
    if (r() < 0.3) {
      yield flowOf(
        t + Math.floor(r() * step),
        { port: 8443, protocol: 'TCP', source: 'goldmane' },
        hostilePod(),
        pod('payments', 'api', { tier: '<b>backend</b>' }),
        800,
        { policy: policy('payments', 'default-deny', 'deny'), reason: 'policy-denied' },
        'ingress',
      );
    }
    // Yesterday's scan: dev-sandbox/scanner sweeps ports of payments and orders for 30 minutes.
    if (t >= NOW - DAY - 3 * HOUR && t < NOW - DAY - 3 * HOUR + 30 * MIN) {
      for (const port of [22, 80, 443, 3306, 5432, 6379, 8080, 8443, 9200, 27017]) {
        for (const target of ['payments/api', 'payments/db', 'orders/db']) {
          const [ns, wl] = target.split('/') as [string, string];
          yield flowOf(
            t + Math.floor(r() * step),
            { port, protocol: 'TCP', source: 'hubble' },
            pod('dev-sandbox', 'scanner'),
            pod(ns, wl),
            0,
            { policy: policy(ns, 'default-deny', 'deny'), reason: 'policy-denied' },
            'ingress',
          );
        }
      }
    }
    // Accountant drops without a peer, as the reference dashboard sees them.
    if (r() < 0.2) {
      yield flowOf(
        t,
        { port: 0, protocol: 'TCP', source: 'accountant' },
        pod('orders', 'invoices'),
        {
          kind: 'unknown',
          namespace: null,
          pod: null,
          workload: null,
          labels: {},
          ip: null,
          dnsNames: [],
          externalGroup: null,
        },
        3 * 900,
        { policy: null, reason: 'no-policy-matched' },
        'egress',
      );
    }
  }
}

/** Writes the fixture through the store's real batch path; returns how many flows. */
export async function loadFixture(store: FlowStore, opts: FixtureOptions): Promise<number> {
  let batch: Flow[] = [];
  let n = 0;
  let id = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    id += 1;
    await store.writeBatch({
      id: `fixture-${opts.seed ?? 7}-${id}`,
      flows: batch,
      source: 'native',
      receivedAt: NOW,
    });
    n += batch.length;
    batch = [];
  };
  for (const f of generateFlows(opts)) {
    batch.push(f);
    if (batch.length >= 5000) await flush();
  }
  await flush();
  return n;
}
