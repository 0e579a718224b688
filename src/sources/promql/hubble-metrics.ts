/**
 * Hubble's Prometheus metrics (`hubble_drop_total`, `hubble_policy_verdicts_total`,
 * `hubble_flows_processed_total`) → domain flows, one per series and step with the counter's
 * increase as `flows` (Hubble counts events; packets and bytes stay null, as for Hubble flow
 * logs). The mapping, and what is lost against flow logs, is in docs/sources.md.
 *
 * - drops: `hubble_drop_total{reason, protocol}`: verdict denied, reason from the drop reason.
 * - allowed and audit: `hubble_policy_verdicts_total{direction, match, action}` with action
 *   forwarded/redirected (allowed) or audit. Its dropped verdicts are left out: the same drops
 *   are in `hubble_drop_total`, with their reason.
 * - `hubble_flows_processed_total{type="PolicyVerdict", verdict}` stands in for the policy
 *   verdicts only for a cluster that has no `hubble_policy_verdicts_total` series (else the
 *   same events would count twice); its other types (Trace, Drop, L7…) are not verdicts.
 */
import type { Endpoint, Flow, Protocol, Verdict } from '../../domain/flow.js';
import { parseIp } from '../../domain/ip.js';
import { reasonOfDrop } from '../../formats/hubble/verdict.js';

export const HUBBLE_SELECTOR =
  '{__name__=~"hubble_drop_total|hubble_policy_verdicts_total|hubble_flows_processed_total"}';

/** What a `source` / `destination` label holds (Hubble's `sourceContext` / `destinationContext`). */
export const HUBBLE_CONTEXTS = [
  'auto',
  'namespace',
  'pod',
  'pod-name',
  'workload-name',
  'ip',
  'dns',
  'app',
] as const;
export type HubbleContext = (typeof HUBBLE_CONTEXTS)[number];

export interface HubbleMetricsOptions {
  /** Cluster for series without a `cluster` label. */
  cluster: string;
  stepMs: number;
  sourceContext?: HubbleContext;
  destinationContext?: HubbleContext;
}

export interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

const PROTOCOLS: Readonly<Record<string, Protocol>> = {
  TCP: 'TCP',
  UDP: 'UDP',
  SCTP: 'SCTP',
  ICMPv4: 'ICMP',
  ICMP: 'ICMP',
  ICMPv6: 'ICMPv6',
};

const unknownEndpoint = (): Endpoint => ({
  kind: 'unknown',
  namespace: null,
  pod: null,
  workload: null,
  labels: {},
  ip: null,
  dnsNames: [],
  externalGroup: null,
});

/** An endpoint from the `labelsContext` labels (`source_namespace`, `source_pod`, …) or the context label. */
function endpointOf(
  m: Record<string, string>,
  side: 'source' | 'destination',
  ctx: HubbleContext,
): Endpoint {
  const e = unknownEndpoint();
  const get = (k: string): string | null => {
    const v = m[`${side}_${k}`];
    return v === undefined || v === '' ? null : v;
  };
  const ns = get('namespace');
  const pod = get('pod');
  const wl = get('workload');
  const ip = get('ip');
  const app = get('app');
  if (ns || pod || wl || ip || app) {
    e.namespace = ns;
    e.pod = pod;
    if (wl) e.workload = { kind: get('workload_kind') ?? 'unknown', name: wl };
    e.ip = ip;
    if (app) e.labels = { app };
    if (ns || pod || wl) e.kind = 'pod';
    return e;
  }
  const v = m[side];
  if (v === undefined || v === '') return e;
  if (v.startsWith('reserved:')) {
    // Reserved identities: world is outside the cluster, host/remote-node are nodes.
    const what = v.slice('reserved:'.length);
    if (what === 'world' || what.startsWith('world'))
      return { ...e, kind: 'external', externalGroup: 'world' };
    if (what === 'host' || what === 'remote-node') return { ...e, kind: 'host' };
    return e;
  }
  const c = ctx === 'auto' ? (parseIp(v) ? 'ip' : v.includes('/') ? 'pod' : 'namespace') : ctx;
  switch (c) {
    case 'ip':
      return { ...e, ip: v };
    case 'pod': {
      const i = v.indexOf('/');
      return i < 0
        ? { ...e, kind: 'pod', pod: v }
        : { ...e, kind: 'pod', namespace: v.slice(0, i), pod: v.slice(i + 1) };
    }
    case 'pod-name':
      return { ...e, kind: 'pod', pod: v };
    case 'workload-name':
      return { ...e, kind: 'pod', workload: { kind: 'unknown', name: v } };
    case 'dns':
      return { ...e, dnsNames: [v] };
    case 'app':
      return { ...e, labels: { app: v } };
    default:
      return { ...e, kind: 'pod', namespace: v };
  }
}

interface Shape {
  verdict: Verdict;
  reason: Flow['reason'];
  dropReason: string | null;
  direction: Flow['direction'];
}

function shapeOf(
  name: string,
  m: Record<string, string>,
  hasPolicyVerdicts: boolean,
): Shape | null {
  if (name === 'hubble_drop_total') {
    const reason = m['reason'] ?? null;
    return {
      verdict: 'denied',
      reason: reasonOfDrop(reason),
      dropReason: reason,
      direction: 'unknown',
    };
  }
  const dir = (d: string | undefined): Flow['direction'] => {
    const x = (d ?? '').toLowerCase();
    return x === 'ingress' || x === 'egress' ? x : 'unknown';
  };
  if (name === 'hubble_policy_verdicts_total') {
    const action = (m['action'] ?? '').toLowerCase();
    const direction = dir(m['direction']);
    if (action === 'forwarded' || action === 'redirected')
      return { verdict: 'allowed', reason: 'allowed', dropReason: null, direction };
    if (action === 'audit')
      return { verdict: 'audit', reason: 'policy-denied', dropReason: null, direction };
    return null; // dropped: counted from hubble_drop_total
  }
  if (
    name === 'hubble_flows_processed_total' &&
    !hasPolicyVerdicts &&
    m['type'] === 'PolicyVerdict'
  ) {
    const v = m['verdict'];
    const direction = dir(m['traffic_direction']);
    if (v === 'FORWARDED' || v === 'REDIRECTED')
      return { verdict: 'allowed', reason: 'allowed', dropReason: null, direction };
    if (v === 'AUDIT')
      return { verdict: 'audit', reason: 'policy-denied', dropReason: null, direction };
  }
  return null;
}

/**
 * Per-step increases of the Hubble counters as flows. The first sample of each series is the
 * baseline (the previous query's last step) and yields nothing; a counter that went down was
 * reset and counts its new value.
 */
export function hubbleMetricsToFlows(
  series: readonly MatrixSeries[],
  opts: HubbleMetricsOptions,
): Flow[] {
  const withVerdicts = new Set(
    series
      .filter((s) => s.metric['__name__'] === 'hubble_policy_verdicts_total')
      .map((s) => s.metric['cluster'] ?? opts.cluster),
  );
  const out: Flow[] = [];
  for (const s of series) {
    const m = s.metric;
    const cluster = m['cluster'] ?? opts.cluster;
    const shape = shapeOf(m['__name__'] ?? '', m, withVerdicts.has(cluster));
    if (!shape) continue;
    const src = endpointOf(m, 'source', opts.sourceContext ?? 'auto');
    const dst = endpointOf(m, 'destination', opts.destinationContext ?? 'auto');
    const protocol = PROTOCOLS[m['protocol'] ?? ''] ?? 'other';
    let prev: number | null = null;
    for (const [t, text] of s.values) {
      const v = Number(text);
      if (!Number.isFinite(v)) continue;
      const delta = prev === null ? 0 : v >= prev ? v - prev : v;
      prev = v;
      if (delta <= 0) continue;
      const end = Math.round(t * 1000);
      out.push({
        time: end - opts.stepMs,
        cluster,
        src,
        dst,
        protocol,
        port: null,
        direction: shape.direction,
        verdict: shape.verdict,
        reason: shape.reason,
        dropReason: shape.dropReason,
        policies: [],
        flows: Math.round(delta),
        packets: null,
        bytes: null,
        bytesToDst: null,
        bytesToSrc: null,
        source: 'hubble',
        node: m['node'] ?? null,
        durationMs: opts.stepMs,
      });
    }
  }
  return out;
}
