/**
 * Attack and incident scenarios. A plan fixes a scenario's subject and peers once (from the
 * seed and the scenario id); `records` then yields its traffic for any window, so a scenario
 * looks the same whether it is generated in one piece or window by window.
 */
import type { ConnectionSpec } from './catalogue.js';
import type { SimCluster, SimPod } from './cluster.js';
import { workloadOf } from './cluster.js';
import { ATTACKERS } from './externals.js';
import { forkPrng, type Prng } from './prng.js';
import { makeRecord, type SimPeer, type SimRecord } from './records.js';
import { rhythmFactor } from './rhythm.js';
import type { ExpectedVerdict, ScenarioInstance, ScenarioLabel } from './scenario-types.js';
import { noise, usualEgressPerMinute } from './traffic.js';
import type { SimProtocol, VerdictOracle, VerdictProbe } from './verdicts.js';

export interface ScenarioContext {
  cluster: SimCluster;
  oracle: VerdictOracle;
  connections: readonly ConnectionSpec[];
}

/** One planned stream of attempts: fixed peers, port, protocol and per-minute rate. */
interface Stream {
  src: SimPeer | SimPeer[];
  dst: SimPeer | SimPeer[];
  protocol: SimProtocol;
  port: number;
  perMinute: number;
  bytesOut: number;
  bytesIn: number;
}

/** A single attempt at a planned instant (scans, sweeps, beacons). */
interface Shot {
  at: number;
  src: SimPeer;
  dst: SimPeer;
  protocol: SimProtocol;
  port: number;
}

export interface ScenarioPlan {
  instance: ScenarioInstance;
  subject: ScenarioLabel['subject'];
  description: string;
  evidence: string[];
  streams: Stream[];
  shots: Shot[];
}

const pod = (p: SimPod): SimPeer => ({ kind: 'pod', pod: p });
const ext = (ip: string): SimPeer => ({ kind: 'external', ip, dnsName: null });
const podsOf = (ctx: ScenarioContext, key: string): SimPod[] => workloadOf(ctx.cluster, key).pods;

function subjectOf(cluster: SimCluster, p: SimPod, peer: string): ScenarioLabel['subject'] {
  return {
    cluster: cluster.name,
    namespace: p.namespace,
    workload: p.workloadName,
    pod: p.name,
    peer,
  };
}

/** Evenly spaced instants over the scenario with a little jitter. */
function spread<T>(
  items: readonly T[],
  inst: ScenarioInstance,
  rng: Prng,
): { at: number; item: T }[] {
  const step = (inst.end - inst.start) / Math.max(1, items.length);
  return items.map((item, i) => ({
    at: Math.min(inst.end - 1, Math.floor(inst.start + i * step + rng.next() * step * 0.5)),
    item,
  }));
}

const MISCONFIGS = [
  { from: 'checkout/checkout-api', to: 'payments/fraud-scoring', port: 8080, version: '2.4.0' },
  { from: 'orders/shipping', to: 'catalog/inventory', port: 8080, version: '1.8.0' },
  { from: 'catalog/pricing', to: 'checkout/promo-engine', port: 8080, version: '2.5.0' },
  { from: 'frontend/storefront-bff', to: 'payments/payments-api', port: 9443, version: '2.8.0' },
];

/** Fixes the peers and rates of a scenario instance. */
export function planScenario(ctx: ScenarioContext, inst: ScenarioInstance): ScenarioPlan {
  const { cluster } = ctx;
  const rng = forkPrng(cluster.seed, inst.id, 'plan');
  const base = { instance: inst, streams: [] as Stream[], shots: [] as Shot[] };
  switch (inst.type) {
    case 'misconfig-after-deploy': {
      const m = rng.pick(MISCONFIGS);
      const srcPods = podsOf(ctx, m.from);
      const first = srcPods[0] as SimPod;
      return {
        ...base,
        subject: { ...subjectOf(cluster, first, m.to), pod: null },
        description: `${m.from} ${m.version} was deployed and now calls ${m.to}:${m.port}/TCP, which its policies do not allow; every replica retries the same call`,
        evidence: ['hubble', 'goldmane'],
        streams: [
          {
            src: srcPods.map(pod),
            dst: podsOf(ctx, m.to).map(pod),
            protocol: 'TCP',
            port: m.port,
            perMinute: 12,
            bytesOut: 600,
            bytesIn: 0,
          },
        ],
      };
    }
    case 'port-scan': {
      const attacker = rng.pick(podsOf(ctx, 'frontend/image-resizer'));
      const target = rng.pick(
        podsOf(ctx, rng.pick(['payments/payments-api', 'payments/ledger', 'orders/orders-api'])),
      );
      const ports = [
        ...Array.from({ length: 1024 }, (_, i) => i + 1),
        1433,
        2379,
        3306,
        5432,
        6379,
        8080,
        8443,
        9090,
        9200,
        27017,
      ];
      for (let i = ports.length - 1; i > 0; i--) {
        const j = rng.int(0, i);
        [ports[i], ports[j]] = [ports[j] as number, ports[i] as number];
      }
      return {
        ...base,
        subject: subjectOf(cluster, attacker, `${target.namespace}/${target.name} (${target.ip})`),
        description: `compromised pod ${attacker.namespace}/${attacker.name} scans ${ports.length} TCP ports on ${target.ip}`,
        evidence: ['hubble', 'goldmane'],
        shots: spread(ports, inst, rng).map(({ at, item }) => ({
          at,
          src: pod(attacker),
          dst: pod(target),
          protocol: 'TCP',
          port: item,
        })),
      };
    }
    case 'ip-sweep': {
      const attacker = rng.pick(podsOf(ctx, 'dev-sandbox/jupyter'));
      const targets = cluster.pods.filter((p) => p !== attacker && rng.chance(0.35)).slice(0, 70);
      const namespaces = new Set(targets.map((p) => p.namespace));
      return {
        ...base,
        subject: subjectOf(
          cluster,
          attacker,
          `${targets.length} pods in ${namespaces.size} namespaces, port 22/TCP`,
        ),
        description: `lateral movement: ${attacker.namespace}/${attacker.name} tries SSH (22/TCP) on ${targets.length} pods across ${namespaces.size} namespaces`,
        evidence: ['hubble', 'goldmane'],
        shots: spread(targets, inst, rng).map(({ at, item }) => ({
          at,
          src: pod(attacker),
          dst: pod(item),
          protocol: 'TCP',
          port: 22,
        })),
      };
    }
    case 'external-probe': {
      const ports = [
        80, 443, 22, 21, 23, 25, 3306, 3389, 5432, 6379, 8080, 8443, 9200, 10254, 11211, 27017,
      ];
      const controllers = podsOf(ctx, 'ingress-nginx/ingress-nginx-controller');
      const count = Math.max(ports.length, Math.round(((inst.end - inst.start) / 60_000) * 20));
      const list = Array.from({ length: count }, (_, i) => ({
        port: ports[i % ports.length] as number,
        dst: rng.pick(controllers),
      }));
      return {
        ...base,
        subject: {
          cluster: cluster.name,
          namespace: 'ingress-nginx',
          workload: 'ingress-nginx-controller',
          pod: null,
          peer: ATTACKERS.prober,
        },
        description: `${ATTACKERS.prober} probes the exposed ingress controller on ${ports.length} ports; only 80 and 443 are open to the internet`,
        evidence: ['hubble', 'goldmane'],
        shots: spread(list, inst, rng).map(({ at, item }) => ({
          at,
          src: ext(ATTACKERS.prober),
          dst: pod(item.dst),
          protocol: 'TCP',
          port: item.port,
        })),
      };
    }
    case 'exfiltration': {
      const victim = rng.pick(podsOf(ctx, 'orders/notifications'));
      const usual = usualEgressPerMinute(ctx.connections, 'orders/notifications');
      return {
        ...base,
        subject: subjectOf(cluster, victim, ATTACKERS.exfilDrop),
        description: `${victim.namespace}/${victim.name} sends about 20× its usual egress volume to a new external address ${ATTACKERS.exfilDrop}:443 (allowed by its broad 0.0.0.0/0 egress rule)`,
        evidence: ['goldmane (bytes)', 'hubble (destination IP)'],
        streams: [
          {
            src: pod(victim),
            dst: ext(ATTACKERS.exfilDrop),
            protocol: 'TCP',
            port: 443,
            perMinute: 2,
            bytesOut: (usual * 20) / 2,
            bytesIn: 3_000,
          },
        ],
      };
    }
    case 'amplification': {
      const server = rng.pick(podsOf(ctx, 'dev-sandbox/ntp-test'));
      return {
        ...base,
        subject: subjectOf(cluster, server, ATTACKERS.amplificationVictim),
        description: `NTP amplification: small UDP requests spoofed from ${ATTACKERS.amplificationVictim} reach ${server.namespace}/${server.name}:123, which answers with about 200× larger responses`,
        evidence: ['goldmane (bytes)', 'hubble (source IP)'],
        streams: [
          {
            src: ext(ATTACKERS.amplificationVictim),
            dst: pod(server),
            protocol: 'UDP',
            port: 123,
            perMinute: 120,
            bytesOut: 234,
            bytesIn: 48_200,
          },
        ],
      };
    }
    case 'beacon': {
      const implant = rng.pick(podsOf(ctx, 'catalog/recommendations'));
      const n = Math.max(1, Math.floor((inst.end - inst.start) / 60_000));
      const shots: Shot[] = [];
      for (let k = 0; k < n; k++) {
        const at = inst.start + k * 60_000 + rng.int(0, 4_000);
        if (at < inst.end)
          shots.push({
            at,
            src: pod(implant),
            dst: ext(ATTACKERS.beaconC2),
            protocol: 'TCP',
            port: 8443,
          });
      }
      return {
        ...base,
        subject: subjectOf(cluster, implant, ATTACKERS.beaconC2),
        description: `${implant.namespace}/${implant.name} calls home to ${ATTACKERS.beaconC2}:8443 every 60 s; egress policy denies it each time`,
        evidence: ['hubble', 'goldmane'],
        shots,
      };
    }
    case 'traffic-spike': {
      const conn = ctx.connections.find(
        (c) => c.from === 'frontend/storefront-bff' && c.to === 'catalog/catalog-api',
      );
      if (!conn) throw new Error('spike connection missing from the catalogue');
      const srcPods = podsOf(ctx, conn.from);
      return {
        ...base,
        subject: { ...subjectOf(cluster, srcPods[0] as SimPod, conn.to), pod: null },
        description: `a release of ${conn.from} calls ${conn.to}:${conn.port} in a loop: 10× the usual allowed, internal traffic`,
        evidence: ['goldmane'],
        // Nine extra times the baseline rate, on top of the baseline itself.
        streams: [
          {
            src: srcPods.map(pod),
            dst: podsOf(ctx, conn.to).map(pod),
            protocol: conn.protocol,
            port: conn.port,
            perMinute: conn.perMinute * 9,
            bytesOut: conn.bytesOut,
            bytesIn: conn.bytesIn,
          },
        ],
      };
    }
  }
}

/** The scenario's records inside [t, t + windowMs). */
export function scenarioRecords(
  ctx: ScenarioContext,
  plan: ScenarioPlan,
  t: number,
  windowMs: number,
): SimRecord[] {
  const inst = plan.instance;
  const a = Math.max(t, inst.start);
  const b = Math.min(t + windowMs, inst.end);
  if (a >= b) return [];
  const out: SimRecord[] = [];
  const rng = forkPrng(ctx.cluster.seed, inst.id, t, windowMs);
  for (const s of plan.streams) {
    const minutes = (b - a) / 60_000;
    const factor = inst.type === 'traffic-spike' ? rhythmFactor({ kind: 'business' }, a, b - a) : 1;
    const flows = rng.poisson(s.perMinute * minutes * factor);
    if (flows === 0) continue;
    const src = Array.isArray(s.src) ? rng.pick(s.src) : s.src;
    const dst = Array.isArray(s.dst) ? rng.pick(s.dst) : s.dst;
    out.push(
      makeRecord(
        ctx.oracle,
        {
          time: a,
          durationMs: b - a,
          src,
          dst,
          protocol: s.protocol,
          port: s.port,
          flows,
          origin: inst.id,
          scenarioId: inst.id,
        },
        s.bytesOut * flows * noise(rng, 0.1),
        s.bytesIn * flows * noise(rng, 0.1),
      ),
    );
  }
  for (const shot of plan.shots) {
    if (shot.at < a || shot.at >= b) continue;
    out.push(
      makeRecord(
        ctx.oracle,
        {
          time: shot.at,
          durationMs: 0,
          src: shot.src,
          dst: shot.dst,
          protocol: shot.protocol,
          port: shot.port,
          flows: 1,
          origin: inst.id,
          scenarioId: inst.id,
        },
        60,
        0,
      ),
    );
  }
  return out;
}

/** Distinct probes of a plan, for the labels file's expected verdict. */
export function planProbes(plan: ScenarioPlan): VerdictProbe[] {
  const text = (p: SimPeer): string =>
    p.kind === 'pod' ? `${p.pod.namespace}/${p.pod.name}` : p.ip;
  const out = new Map<string, VerdictProbe>();
  const add = (src: SimPeer, dst: SimPeer, protocol: SimProtocol, port: number): void => {
    const probe = { from: text(src), to: text(dst), protocol, port };
    out.set(JSON.stringify(probe), probe);
  };
  for (const s of plan.streams) {
    for (const src of [s.src].flat())
      for (const dst of [s.dst].flat()) add(src, dst, s.protocol, s.port);
  }
  for (const shot of plan.shots) add(shot.src, shot.dst, shot.protocol, shot.port);
  return [...out.values()];
}

/** The ground-truth line of a planned scenario; the verdict comes from the policy engine. */
export function labelOf(ctx: ScenarioContext, plan: ScenarioPlan): ScenarioLabel {
  const probes = planProbes(plan);
  const allowed = probes.filter((p) => ctx.oracle(p).allowed).length;
  const denied = probes.length - allowed;
  const expectedVerdict: ExpectedVerdict =
    denied === 0 ? 'allowed' : allowed === 0 ? 'denied' : 'mixed';
  const inst = plan.instance;
  return {
    id: inst.id,
    type: inst.type,
    start: new Date(inst.start).toISOString(),
    end: new Date(inst.end).toISOString(),
    startMs: inst.start,
    endMs: inst.end,
    subject: plan.subject,
    expectedVerdict,
    probes: { total: probes.length, allowed, denied },
    evidence: plan.evidence,
    description: plan.description,
  };
}
