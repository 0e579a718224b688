/**
 * Records → Whisker / Goldmane flow JSON, one aggregated record per line. Like Goldmane, it
 * aggregates per window by (reporter, action, source, destination, protocol, port, policy
 * trace), with pods folded into their aggregated name (`cart-5d8f6b9c7d-*`), external peers
 * shown as `pub`, and packet and byte counters seen from the reporting endpoint.
 */
import type { SimPod } from './cluster.js';
import { decidingSide, type SimPeer, type SimRecord } from './records.js';

/** Goldmane folds pods that share a generateName: ReplicaSet / Job / controller prefix plus `*`. */
export function aggregatedName(pod: SimPod): string {
  if (pod.owner.kind === 'ReplicaSet' || pod.owner.kind === 'Job') return `${pod.owner.name}-*`;
  return `${pod.workloadName}-*`;
}

const LABELS_TEXT = new WeakMap<SimPod, string>();

function labelsText(pod: SimPod): string {
  const cached = LABELS_TEXT.get(pod);
  if (cached !== undefined) return cached;
  const text = Object.entries(pod.labels)
    .filter(([k]) => k !== 'pod-template-hash' && k !== 'statefulset.kubernetes.io/pod-name')
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(' | ');
  LABELS_TEXT.set(pod, text);
  return text;
}

function side(peer: SimPeer): Record<string, string> {
  if (peer.kind === 'external') return { name: 'pub', namespace: '', labels: '', type: 'Network' };
  return {
    name: aggregatedName(peer.pod),
    namespace: peer.pod.namespace,
    labels: labelsText(peer.pod),
    type: 'WorkloadEndpoint',
  };
}

interface PolicyHit {
  kind: string;
  name: string;
  namespace: string;
  tier: string;
  action: string;
  policy_index: number;
  rule_index: number;
  trigger: PolicyHit | null;
}

/** The policy trace Calico reports for the deciding side. */
function trace(rec: SimRecord, reporter: 'egress' | 'ingress'): PolicyHit[] {
  const explain = rec.explanation[reporter];
  const subject = reporter === 'egress' ? rec.src : rec.dst;
  const ns = subject.kind === 'pod' ? subject.pod.namespace : '';
  if (!explain.allowed) {
    const first = explain.deniedBy[0];
    const [pns, pname] = (first?.policy ?? `${ns}/default-deny`).split('/') as [string, string];
    return [
      {
        kind: 'EndOfTier',
        name: '',
        namespace: '',
        tier: 'default',
        action: 'Deny',
        policy_index: 0,
        rule_index: -1,
        trigger: {
          kind: 'NetworkPolicy',
          name: pname,
          namespace: pns,
          tier: 'default',
          action: 'ActionUnspecified',
          policy_index: 0,
          rule_index: 0,
          trigger: null,
        },
      },
    ];
  }
  const by = explain.allowedBy[0];
  if (!by) {
    return [
      {
        kind: 'Profile',
        name: `kns.${ns}`,
        namespace: '',
        tier: '__PROFILE__',
        action: 'Allow',
        policy_index: 0,
        rule_index: 0,
        trigger: null,
      },
    ];
  }
  const [pns, pname] = by.policy.split('/') as [string, string];
  return [
    {
      kind: 'NetworkPolicy',
      name: pname,
      namespace: pns,
      tier: 'default',
      action: 'Allow',
      policy_index: 0,
      rule_index: by.rule - 1,
      trigger: null,
    },
  ];
}

const KEY_FIELDS = new Map<string, string>();

/** Everything of a record but times and counters, as JSON members; cached per aggregation key. */
function keyFields(key: string, b: Bucket): string {
  let text = KEY_FIELDS.get(key);
  if (text !== undefined) return text;
  const s = side(b.rec.src);
  const d = side(b.rec.dst);
  const fromSrc = b.reporter === 'egress';
  text = JSON.stringify({
    action: b.rec.explanation.allowed ? 'Allow' : 'Deny',
    reporter: fromSrc ? 'Src' : 'Dst',
    protocol: b.rec.protocol.toLowerCase(),
    dest_port: b.rec.port,
    source_name: s.name,
    source_namespace: s.namespace,
    source_labels: s.labels,
    source_type: s.type,
    dest_name: d.name,
    dest_namespace: d.namespace,
    dest_labels: d.labels,
    dest_type: d.type,
    policies: { enforced: b.hit, pending: [] },
  }).slice(1, -1);
  if (KEY_FIELDS.size > 100_000) KEY_FIELDS.clear();
  KEY_FIELDS.set(key, text);
  return text;
}

interface Bucket {
  rec: SimRecord;
  hit: PolicyHit[];
  reporter: 'egress' | 'ingress';
  flows: number;
  packetsToDst: number;
  packetsToSrc: number;
  bytesToDst: number;
  bytesToSrc: number;
}

/**
 * Aggregates a window's records into Goldmane JSON lines, in first-seen order.
 * @example goldmaneLines(sim.window(t, 300_000, []), t, 300_000)
 */
export function goldmaneLines(
  records: readonly SimRecord[],
  windowStart: number,
  windowMs: number,
): string[] {
  const buckets = new Map<string, Bucket>();
  for (const rec of records) {
    const reporter = decidingSide(rec);
    const s = side(rec.src);
    const d = side(rec.dst);
    const side0 = rec.explanation[reporter];
    const policy = side0.allowed ? side0.allowedBy[0]?.policy : side0.deniedBy[0]?.policy;
    const key = `${reporter}|${rec.explanation.allowed}|${s.namespace}|${s.name}|${d.namespace}|${d.name}|${rec.protocol}|${rec.port}|${policy ?? ''}`;
    const b = buckets.get(key);
    if (b) {
      b.flows += rec.flows;
      b.packetsToDst += rec.packetsToDst;
      b.packetsToSrc += rec.packetsToSrc;
      b.bytesToDst += rec.bytesToDst;
      b.bytesToSrc += rec.bytesToSrc;
    } else {
      buckets.set(key, {
        rec,
        hit: trace(rec, reporter),
        reporter,
        flows: rec.flows,
        packetsToDst: rec.packetsToDst,
        packetsToSrc: rec.packetsToSrc,
        bytesToDst: rec.bytesToDst,
        bytesToSrc: rec.bytesToSrc,
      });
    }
  }
  const start = new Date(windowStart).toISOString();
  const end = new Date(windowStart + windowMs).toISOString();
  const out: string[] = [];
  for (const [key, b] of buckets) {
    const fromSrc = b.reporter === 'egress';
    const allowed = b.rec.explanation.allowed;
    const counters = {
      packets_in: fromSrc ? b.packetsToSrc : b.packetsToDst,
      packets_out: fromSrc ? b.packetsToDst : b.packetsToSrc,
      bytes_in: Math.round(fromSrc ? b.bytesToSrc : b.bytesToDst),
      bytes_out: Math.round(fromSrc ? b.bytesToDst : b.bytesToSrc),
      num_connections_started: b.flows,
      num_connections_completed: allowed ? b.flows : 0,
      num_connections_live: 0,
    };
    // The same JSON text as one JSON.stringify of the whole record, with the constant middle cached.
    out.push(
      `{"start_time":"${start}","end_time":"${end}",${keyFields(key, b)},${JSON.stringify(counters).slice(1)}`,
    );
  }
  return out;
}
