/**
 * Scenario variants for the detection benchmark, beyond the demo's eight: other workloads and
 * namespaces, slower and smaller attacks, other ports, night-time starts, and the
 * new-connection type the demo does not stage. Each variant yields simulator records (verdicts
 * from the policy engine, like the demo's) and a ground-truth line.
 */
import type { FindingType } from '../domain/detect/finding.js';
import { workloadOf } from '../sources/simulator/cluster.js';
import { forkPrng } from '../sources/simulator/prng.js';
import { makeRecord, type SimPeer, type SimRecord } from '../sources/simulator/records.js';
import type { Simulation } from '../sources/simulator/simulation.js';

export interface EvalLabel {
  id: string;
  type: FindingType;
  startMs: number;
  endMs: number;
  subject: { cluster: string; namespace: string | null; workload: string | null; peer: string };
  /** Which records the variant produces. */
  description: string;
}

export interface Variant {
  label: EvalLabel;
  records(t: number, windowMs: number): SimRecord[];
}

const MIN = 60_000;
const ext = (ip: string): SimPeer => ({ kind: 'external', ip, dnsName: null });

interface Spec {
  type: FindingType;
  subject: string;
  peer: string;
  durationMin: number;
  description: string;
  /** Attempts at instants (shots) or per-minute streams. */
  shots?: (
    sim: Simulation,
    start: number,
    end: number,
    rnd: () => number,
  ) => { at: number; src: SimPeer; dst: SimPeer; port: number; protocol: 'TCP' | 'UDP' }[];
  stream?: (sim: Simulation) => {
    src: SimPeer[];
    dst: SimPeer[];
    port: number;
    protocol: 'TCP' | 'UDP';
    perMinute: number;
    bytesOut: number;
    bytesIn: number;
  };
}

const pods = (sim: Simulation, key: string): SimPeer[] =>
  workloadOf(sim.cluster, key).pods.map((pod) => ({ kind: 'pod', pod }));
const one = (sim: Simulation, key: string): SimPeer => pods(sim, key)[0] as SimPeer;

const SPECS: Spec[] = [
  {
    type: 'port-scan',
    subject: 'catalog/reviews',
    peer: 'orders/orders-db',
    durationMin: 60,
    description: 'slow scan: 40 ports in an hour on orders-db from catalog/reviews',
    shots: (sim, start, end) =>
      Array.from({ length: 40 }, (_, i) => ({
        at: start + Math.floor(((end - start) * i) / 40),
        src: one(sim, 'catalog/reviews'),
        dst: one(sim, 'orders/orders-db'),
        port: 1000 + i * 37,
        protocol: 'TCP',
      })),
  },
  {
    type: 'ip-sweep',
    subject: 'orders/returns',
    peer: 'Redis port on 12 workloads',
    durationMin: 30,
    description: 'small sweep: orders/returns tries 6379/TCP on one pod of 12 workloads',
    shots: (sim, start, end) => {
      const targets = [
        'frontend/web',
        'frontend/i18n',
        'checkout/cart',
        'checkout/tax-calculator',
        'payments/ledger',
        'payments/refunds',
        'catalog/search',
        'catalog/pricing',
        'orders/invoicing',
        'orders/orders-api',
        'monitoring/grafana',
        'batch/etl-worker',
      ];
      return targets.map((t, i) => ({
        at: start + Math.floor(((end - start) * i) / targets.length),
        src: one(sim, 'orders/returns'),
        dst: one(sim, t),
        port: 6379,
        protocol: 'TCP',
      }));
    },
  },
  {
    type: 'external-probe',
    subject: 'ingress-nginx/ingress-nginx-controller',
    peer: '203.0.113.77',
    durationMin: 40,
    description: 'low and slow probe: 20 attempts on 5 ports over 40 minutes from 203.0.113.77',
    shots: (sim, start, end) =>
      Array.from({ length: 20 }, (_, i) => ({
        at: start + Math.floor(((end - start) * i) / 20),
        src: ext('203.0.113.77'),
        dst: one(sim, 'ingress-nginx/ingress-nginx-controller'),
        port: [22, 6443, 10250, 2379, 8080][i % 5] as number,
        protocol: 'TCP',
      })),
  },
  {
    type: 'blocked-egress',
    subject: 'batch/etl-worker',
    peer: '198.51.100.250',
    durationMin: 180,
    description:
      'slow beacon: batch/etl-worker calls 198.51.100.250:443 every 5 minutes for 3 hours',
    shots: (sim, start, end, rnd) => {
      const out = [];
      for (let at = start; at < end; at += 5 * MIN)
        out.push({
          at: at + Math.floor(rnd() * 3_000),
          src: one(sim, 'batch/etl-worker'),
          dst: ext('198.51.100.250'),
          port: 443,
          protocol: 'TCP' as const,
        });
      return out;
    },
  },
  {
    type: 'misconfiguration',
    subject: 'frontend/i18n',
    peer: 'catalog/search',
    durationMin: 40,
    description: 'frontend/i18n replicas call catalog/search:9200, which no policy allows',
    stream: (sim) => ({
      src: pods(sim, 'frontend/i18n'),
      dst: pods(sim, 'catalog/search'),
      port: 9200,
      protocol: 'TCP',
      perMinute: 6,
      bytesOut: 400,
      bytesIn: 0,
    }),
  },
  {
    type: 'exfiltration',
    subject: 'dev-sandbox/jupyter',
    peer: '203.0.113.150',
    durationMin: 45,
    description: 'dev-sandbox/jupyter uploads about 2 MB a minute to 203.0.113.150:443',
    stream: () => ({
      src: [],
      dst: [ext('203.0.113.150')],
      port: 443,
      protocol: 'TCP',
      perMinute: 4,
      bytesOut: 500_000,
      bytesIn: 4_000,
    }),
  },
  {
    type: 'traffic-spike',
    subject: 'checkout/cart',
    peer: 'checkout/cart-redis',
    durationMin: 45,
    description: 'checkout/cart calls cart-redis at 6× its usual peak rate',
    stream: (sim) => ({
      src: pods(sim, 'checkout/cart'),
      dst: pods(sim, 'checkout/cart-redis'),
      port: 6379,
      protocol: 'TCP',
      perMinute: 140 * 5,
      bytesOut: 300,
      bytesIn: 1_100,
    }),
  },
  {
    type: 'amplification',
    subject: 'dev-sandbox/test-api',
    peer: '192.0.2.77',
    durationMin: 25,
    description:
      'DNS reflection: spoofed 60-byte queries to dev-sandbox/test-api:53 get 3 kB answers',
    stream: (sim) => ({
      src: [ext('192.0.2.77')],
      dst: pods(sim, 'dev-sandbox/test-api'),
      port: 53,
      protocol: 'UDP',
      perMinute: 200,
      bytesOut: 60,
      bytesIn: 3_000,
    }),
  },
  {
    type: 'new-connection',
    subject: 'dev-sandbox/toolbox',
    peer: 'dev-sandbox/scratch-redis',
    durationMin: 60,
    description: 'dev-sandbox/toolbox starts talking to scratch-redis:6379, never seen before',
    stream: (sim) => ({
      src: pods(sim, 'dev-sandbox/toolbox'),
      dst: pods(sim, 'dev-sandbox/scratch-redis'),
      port: 6379,
      protocol: 'TCP',
      perMinute: 3,
      bytesOut: 200,
      bytesIn: 600,
    }),
  },
];

/**
 * Variants spread over [from, to): the i-th on day `i mod days`, at an hour that moves through
 * the day (night starts included).
 */
export function planVariants(sim: Simulation, from: number, to: number): Variant[] {
  const days = Math.max(1, Math.floor((to - from) / 86_400_000));
  return SPECS.map((spec, i) => {
    const day = from + (i % days) * 86_400_000;
    const start = day + ((2 + 5 * i) % 22) * 3_600_000 + 10 * MIN;
    const end = start + spec.durationMin * MIN;
    const [ns, wl] = spec.subject.split('/') as [string, string];
    const id = `variant-${spec.type}@${new Date(start).toISOString().slice(0, 16)}`;
    const rng = forkPrng(sim.seed, id);
    const shots = spec.shots?.(sim, start, end, () => rng.next()) ?? [];
    const stream = spec.stream?.(sim);
    if (stream && stream.src.length === 0) stream.src = pods(sim, spec.subject);
    const label: EvalLabel = {
      id,
      type: spec.type,
      startMs: start,
      endMs: end,
      subject: { cluster: 'demo', namespace: ns, workload: wl, peer: spec.peer },
      description: spec.description,
    };
    const records = (t: number, windowMs: number): SimRecord[] => {
      const a = Math.max(t, start);
      const b = Math.min(t + windowMs, end);
      if (a >= b) return [];
      const out: SimRecord[] = [];
      const r = forkPrng(sim.seed, id, t);
      for (const s of shots) {
        if (s.at < a || s.at >= b) continue;
        out.push(
          makeRecord(
            sim.oracle,
            {
              time: s.at,
              durationMs: 0,
              src: s.src,
              dst: s.dst,
              protocol: s.protocol,
              port: s.port,
              flows: 1,
              origin: id,
              scenarioId: id,
            },
            60,
            0,
          ),
        );
      }
      if (stream) {
        const flows = r.poisson((stream.perMinute * (b - a)) / MIN);
        if (flows > 0) {
          const src = r.pick(stream.src);
          const dst = r.pick(stream.dst);
          out.push(
            makeRecord(
              sim.oracle,
              {
                time: a,
                durationMs: b - a,
                src,
                dst,
                protocol: stream.protocol,
                port: stream.port,
                flows,
                origin: id,
                scenarioId: id,
              },
              stream.bytesOut * flows,
              stream.bytesIn * flows,
            ),
          );
        }
      }
      return out;
    };
    return { label, records };
  });
}
