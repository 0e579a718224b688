/**
 * Records → Hubble flow events, one JSON object per line, as `hubble observe -o json` and the
 * Hubble exporter write them (cilium `flow.Flow` in its JSON mapping). One event per
 * connection attempt: a drop event at the denying side, or a policy-verdict event where the
 * connection was allowed. Optionally, reply trace events that a parser must skip.
 */
import type { DirectionExplanation } from '../../domain/netpol/index.js';
import type { SimCluster } from './cluster.js';
import { forkPrng, hash32, type Prng } from './prng.js';
import { decidingSide, peerIp, type SimPeer, type SimRecord } from './records.js';

export interface HubbleEmitOptions {
  /** Add an `is_reply` trace event after some allowed TCP attempts (tests of reply skipping). */
  replies?: boolean;
}

interface PendingEvent {
  at: number;
  rec: SimRecord;
  reply: boolean;
  time: string;
  uuid: string;
  clientPort: number;
}

const POLICY_DENIED = 133;
const HEX = '0123456789abcdef';

/** RFC 3339 with nanoseconds, as Hubble prints it. */
export function nanoTime(ms: number, rng: Prng): string {
  const iso = new Date(Math.floor(ms)).toISOString();
  return `${iso.slice(0, 23)}${String(rng.int(0, 999_999)).padStart(6, '0')}Z`;
}

const WORLD = JSON.stringify({ identity: 2, labels: ['reserved:world'] });
const ENDPOINT_JSON = new WeakMap<object, string>();

/** The endpoint object as JSON; pods are cached because they repeat in every event. */
function endpointJson(peer: SimPeer, cluster: SimCluster): string {
  if (peer.kind === 'external') return WORLD;
  const p = peer.pod;
  const cached = ENDPOINT_JSON.get(p);
  if (cached !== undefined) return cached;
  const labels = Object.entries(p.labels)
    .filter(([k]) => k !== 'pod-template-hash' && k !== 'controller-revision-hash')
    .map(([k, v]) => `k8s:${k}=${v}`);
  labels.push(
    `k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=${p.namespace}`,
    `k8s:io.cilium.k8s.policy.cluster=${cluster.name}`,
    `k8s:io.cilium.k8s.policy.serviceaccount=${p.workloadName}`,
    `k8s:io.kubernetes.pod.namespace=${p.namespace}`,
  );
  labels.sort();
  const json = JSON.stringify({
    ID: 1 + (hash32(`${p.namespace}/${p.name}`) % 4000),
    identity: 10_000 + (hash32(`${p.namespace}/${p.workloadName}`) % 50_000),
    cluster_name: cluster.name,
    namespace: p.namespace,
    labels,
    pod_name: p.name,
    workloads: [{ name: p.workloadName, kind: p.workloadKind }],
  });
  ENDPOINT_JSON.set(p, json);
  return json;
}

const POLICY_JSON = new Map<string, string>();

/** A `*_allowed_by` / `*_denied_by` list as JSON, cached per set of policies. */
function policyListJson(ids: readonly string[]): string {
  const key = ids.join(',');
  const cached = POLICY_JSON.get(key);
  if (cached !== undefined) return cached;
  const list = [...new Set(ids)].map((id) => {
    const [namespace, name] = id.split('/') as [string, string];
    return {
      name,
      namespace,
      labels: [
        'k8s:io.cilium.k8s.policy.derived-from=NetworkPolicy',
        `k8s:io.cilium.k8s.policy.name=${name}`,
        `k8s:io.cilium.k8s.policy.namespace=${namespace}`,
        `k8s:io.cilium.k8s.policy.uid=${hash32(id).toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
      ],
      revision: 7,
      kind: 'NetworkPolicy',
    };
  });
  const json = JSON.stringify(list);
  POLICY_JSON.set(key, json);
  return json;
}

function policyIds(side: DirectionExplanation): string[] {
  return side.allowed ? side.allowedBy.map((r) => r.policy) : side.deniedBy.map((d) => d.policy);
}

function nodeOf(rec: SimRecord, cluster: SimCluster, side: 'egress' | 'ingress'): string {
  const peer = side === 'egress' ? rec.src : rec.dst;
  const node = peer.kind === 'pod' ? peer.pod.node : (cluster.nodes[0] as string);
  return `${cluster.name}/${node}`;
}

function eventLine(ev: PendingEvent, cluster: SimCluster): string {
  const { rec } = ev;
  const side = decidingSide(rec);
  const allowed = rec.explanation.allowed;
  const observed = ev.reply ? (side === 'egress' ? 'ingress' : 'egress') : side;
  const node = JSON.stringify(nodeOf(rec, cluster, observed));
  const [src, dst] = ev.reply ? [rec.dst, rec.src] : [rec.src, rec.dst];
  const [sport, dport] = ev.reply ? [rec.port, ev.clientPort] : [ev.clientPort, rec.port];
  const flags = ev.reply ? '{"SYN":true,"ACK":true}' : '{"SYN":true}';
  const l4 =
    rec.protocol === 'TCP'
      ? `{"TCP":{"source_port":${sport},"destination_port":${dport},"flags":${flags}}}`
      : `{"UDP":{"source_port":${sport},"destination_port":${dport}}}`;
  const direction = side === 'egress' ? 'EGRESS' : 'INGRESS';
  const parts: string[] = [
    `"time":"${ev.time}"`,
    `"uuid":"${ev.uuid}"`,
    `"verdict":"${allowed ? 'FORWARDED' : 'DROPPED'}"`,
    `"IP":{"source":"${peerIp(src)}","destination":"${peerIp(dst)}","ipVersion":"IPv4"}`,
    `"l4":${l4}`,
    `"source":${endpointJson(src, cluster)}`,
    `"destination":${endpointJson(dst, cluster)}`,
    '"Type":"L3_L4"',
    `"node_name":${node}`,
  ];
  if (src.kind === 'external' && src.dnsName)
    parts.push(`"source_names":${JSON.stringify([src.dnsName])}`);
  if (dst.kind === 'external' && dst.dnsName)
    parts.push(`"destination_names":${JSON.stringify([dst.dnsName])}`);
  const summary =
    rec.protocol === 'TCP' ? (ev.reply ? 'TCP Flags: SYN, ACK' : 'TCP Flags: SYN') : 'UDP';
  if (ev.reply) {
    parts.push(
      '"event_type":{"type":4}',
      `"traffic_direction":"${direction}"`,
      '"trace_observation_point":"TO_ENDPOINT"',
      '"is_reply":true',
      `"Summary":"${summary}"`,
    );
  } else {
    const explain = rec.explanation[side];
    const ids = policyIds(explain);
    if (allowed) {
      parts.push(
        '"event_type":{"type":5}',
        `"traffic_direction":"${direction}"`,
        `"policy_match_type":${explain.isolated ? 2 : 0}`,
        '"is_reply":false',
        `"Summary":"${summary}"`,
      );
      if (ids.length > 0) parts.push(`"${side}_allowed_by":${policyListJson(ids)}`);
    } else {
      parts.push(
        `"drop_reason":${POLICY_DENIED}`,
        '"drop_reason_desc":"POLICY_DENIED"',
        `"event_type":{"type":1,"sub_type":${POLICY_DENIED}}`,
        `"traffic_direction":"${direction}"`,
        '"is_reply":false',
        `"Summary":"${summary}"`,
      );
      // Cilium fills *_denied_by for deny rules; the simulator also names the isolating
      // Kubernetes policies here so the dashboard can show which policies were involved.
      if (ids.length > 0) parts.push(`"${side}_denied_by":${policyListJson(ids)}`);
    }
  }
  return `{"flow":{${parts.join(',')}},"node_name":${node},"time":"${ev.time}"}`;
}

/** Event times and ids of a record: attempts spread over its span, deterministic per record. */
function eventsOf(rec: SimRecord, cluster: SimCluster, replies: boolean): PendingEvent[] {
  const out: PendingEvent[] = [];
  const rng = forkPrng(cluster.seed, 'hubble', rec.origin, rec.time);
  const step = rec.durationMs / rec.flows;
  for (let i = 0; i < rec.flows; i++) {
    const at = rec.durationMs === 0 ? rec.time : rec.time + Math.floor((i + rng.next()) * step);
    const uuid = `${rng.token(8, HEX)}-${rng.token(4, HEX)}-4${rng.token(3, HEX)}-8${rng.token(3, HEX)}-${rng.token(12, HEX)}`;
    const ev = {
      at,
      rec,
      reply: false,
      time: nanoTime(at, rng),
      uuid,
      clientPort: 32_768 + rng.int(0, 28_000),
    };
    out.push(ev);
    if (replies && rec.explanation.allowed && rec.protocol === 'TCP' && i % 10 === 0) {
      const replyId = `${rng.token(8, HEX)}-${rng.token(4, HEX)}-4${rng.token(3, HEX)}-8${rng.token(3, HEX)}-${rng.token(12, HEX)}`;
      out.push({ ...ev, at: at + 1, reply: true, uuid: replyId, time: nanoTime(at + 1, rng) });
    }
  }
  return out;
}

/**
 * Hubble JSON lines for a window's records, in time order.
 * @example hubbleLines(sim.cluster, sim.window(t, 60_000, []), { replies: true })
 */
export function hubbleLines(
  cluster: SimCluster,
  records: readonly SimRecord[],
  options: HubbleEmitOptions = {},
): string[] {
  const events = records.flatMap((r) => eventsOf(r, cluster, options.replies ?? false));
  events.sort((a, b) => a.at - b.at);
  return events.map((ev) => eventLine(ev, cluster));
}
