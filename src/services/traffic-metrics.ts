/**
 * The audited traffic on /metrics, for teams that keep Grafana: counters of flows, packets and
 * bytes by cluster, namespace, workload, direction, verdict and policy, and denied flows by
 * peer. They are computed from the 1-minute rollups on a timer (never per scrape): each refresh
 * re-reads the last `lookbackMs` of buckets and adds what grew since the last refresh, so
 * late data within the look-back is counted and the counters only ever go up.
 *
 * Cardinality is bounded: the first `maxWorkloads` workloads seen (largest first) keep their
 * names, later ones are counted as workload "other"; the same for namespaces, clusters,
 * policies and peers. Names stay assigned until the process restarts.
 */
import { Counter, type Registry } from 'prom-client';

import type { FlowStore, RollupRow } from '../store/flow-store.js';
import { MAX_ROLLUP_ROWS } from '../store/rollup-shape.js';

export interface TrafficMetricsOptions {
  refreshMs?: number;
  lookbackMs?: number;
  maxWorkloads?: number;
  maxNamespaces?: number;
  maxClusters?: number;
  maxPolicies?: number;
  maxPeers?: number;
  now?: () => number;
  onError?: (err: unknown) => void;
}

export const TRAFFIC_METRICS_DEFAULTS = {
  refreshMs: 30_000,
  lookbackMs: 15 * 60_000,
  maxWorkloads: 200,
  maxNamespaces: 100,
  maxClusters: 20,
  maxPolicies: 100,
  maxPeers: 200,
} as const;

export const OTHER = 'other';
const MINUTE = 60_000;
const LABELS = ['cluster', 'namespace', 'workload', 'direction', 'verdict', 'policy'] as const;
const PEER_LABELS = ['cluster', 'namespace', 'workload', 'direction', 'peer'] as const;

/** Admits the first `max` names; everything after is "other". */
class StickyNames {
  private readonly names = new Set<string>();
  constructor(private readonly max: number) {}
  name(value: string): string {
    if (this.names.has(value)) return value;
    if (this.names.size >= this.max) return OTHER;
    this.names.add(value);
    return value;
  }
}

interface Sums {
  labels: Record<string, string>;
  flows: number | null;
  packets: number | null;
  bytes: number | null;
}

const add = (a: number | null, b: number | null | undefined): number | null =>
  b === null || b === undefined ? a : (a ?? 0) + b;

export class TrafficMetrics {
  private readonly flows: Counter<(typeof LABELS)[number]>;
  private readonly packets: Counter<(typeof LABELS)[number]>;
  private readonly bytes: Counter<(typeof LABELS)[number]>;
  private readonly deniedByPeer: Counter<(typeof PEER_LABELS)[number]>;
  private readonly o: Required<Omit<TrafficMetricsOptions, 'onError' | 'now'>>;
  private readonly clock: () => number;
  private readonly workloads: StickyNames;
  private readonly namespaces: StickyNames;
  private readonly clusters: StickyNames;
  private readonly policies: StickyNames;
  private readonly peers: StickyNames;
  /** Last value seen per series and bucket, while the bucket is inside the look-back. */
  private readonly seen = new Map<string, { bucket: number; sums: Sums }>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: FlowStore,
    registry: Registry,
    private readonly options: TrafficMetricsOptions = {},
  ) {
    this.o = { ...TRAFFIC_METRICS_DEFAULTS, ...options } as typeof this.o;
    this.clock = options.now ?? Date.now;
    this.workloads = new StickyNames(this.o.maxWorkloads);
    this.namespaces = new StickyNames(this.o.maxNamespaces);
    this.clusters = new StickyNames(this.o.maxClusters);
    this.policies = new StickyNames(this.o.maxPolicies);
    this.peers = new StickyNames(this.o.maxPeers);
    const registers = [registry];
    const counter = (what: string): Counter<(typeof LABELS)[number]> =>
      new Counter({
        name: `netsec_traffic_${what}_total`,
        help: `Audited ${what} by cluster, namespace, workload, direction (ingress: to the workload; egress: from it), verdict and deciding policy; from rollups. Only sources that report ${what} count.`,
        labelNames: LABELS,
        registers,
      });
    this.flows = counter('flows');
    this.packets = counter('packets');
    this.bytes = counter('bytes');
    this.deniedByPeer = new Counter({
      name: 'netsec_traffic_denied_peer_flows_total',
      help: 'Denied flows by workload, direction and peer (ns/workload or external group); from rollups.',
      labelNames: PEER_LABELS,
      registers,
    });
  }

  start(): void {
    if (this.timer) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.o.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private workloadLabels(
    row: RollupRow,
    namespace: string | null | undefined,
    workload: string | null | undefined,
  ): Record<string, string> {
    const cluster = this.clusters.name(row.cluster ?? '');
    const ns = namespace ?? '';
    const named = this.workloads.name(JSON.stringify([cluster, ns, workload ?? '']));
    return {
      cluster,
      namespace: this.namespaces.name(ns),
      workload: named === OTHER ? OTHER : (workload ?? ''),
    };
  }

  /** One refresh; concurrent calls share the run in progress. */
  async refresh(now: number = this.clock()): Promise<void> {
    this.running ??= this.doRefresh(now)
      .catch((err: unknown) => this.options.onError?.(err))
      .finally(() => {
        this.running = null;
      });
    await this.running;
  }

  private async doRefresh(now: number): Promise<void> {
    const from = Math.floor((now - this.o.lookbackMs) / MINUTE) * MINUTE;
    const to = Math.floor(now / MINUTE) * MINUTE + MINUTE;
    const base = { resolution: '1m' as const, from, to, limit: MAX_ROLLUP_ROWS };
    const [egress, ingress, denied] = await Promise.all([
      this.store.queryRollups({
        ...base,
        direction: ['egress'],
        groupBy: ['bucket', 'cluster', 'srcNamespace', 'srcWorkload', 'verdict', 'policy'],
      }),
      this.store.queryRollups({
        ...base,
        direction: ['ingress'],
        groupBy: ['bucket', 'cluster', 'dstNamespace', 'dstWorkload', 'verdict', 'policy'],
      }),
      this.store.queryRollups({
        ...base,
        verdict: ['denied'],
        groupBy: [
          'bucket',
          'cluster',
          'direction',
          'srcNamespace',
          'srcWorkload',
          'dstNamespace',
          'dstWorkload',
        ],
      }),
    ]);
    if ([egress, ingress, denied].some((rows) => rows.length >= MAX_ROLLUP_ROWS))
      this.options.onError?.(
        new Error(`traffic metrics: more than ${MAX_ROLLUP_ROWS} rollup rows; some were left out`),
      );
    const byFlows = (a: RollupRow, b: RollupRow): number => (b.flows ?? 0) - (a.flows ?? 0);
    const current = new Map<string, { bucket: number; sums: Sums }>();
    const collect = (kind: string, row: RollupRow, labels: Record<string, string>): void => {
      const key = `${kind}|${row.bucket}|${JSON.stringify(labels)}`;
      const entry = current.get(key) ?? {
        bucket: row.bucket ?? 0,
        sums: { labels, flows: null, packets: null, bytes: null },
      };
      entry.sums.flows = add(entry.sums.flows, row.flows);
      entry.sums.packets = add(entry.sums.packets, row.packets);
      entry.sums.bytes = add(entry.sums.bytes, row.bytes);
      current.set(key, entry);
    };
    // Largest first, so the names admitted under the bound are the busiest ones.
    for (const [rows, side] of [
      [egress, 'src'],
      [ingress, 'dst'],
    ] as const) {
      for (const r of [...rows].sort(byFlows)) {
        const own =
          side === 'src'
            ? this.workloadLabels(r, r.srcNamespace, r.srcWorkload)
            : this.workloadLabels(r, r.dstNamespace, r.dstWorkload);
        collect('traffic', r, {
          ...own,
          direction: side === 'src' ? 'egress' : 'ingress',
          verdict: r.verdict ?? '',
          policy: this.policies.name(r.policy || 'none'),
        });
      }
    }
    for (const r of [...denied].sort(byFlows)) {
      const ingressSide = r.direction === 'ingress';
      const own = ingressSide
        ? this.workloadLabels(r, r.dstNamespace, r.dstWorkload)
        : this.workloadLabels(r, r.srcNamespace, r.srcWorkload);
      const peerNs = ingressSide ? r.srcNamespace : r.dstNamespace;
      const peerWl = ingressSide ? r.srcWorkload : r.dstWorkload;
      const peer = peerNs ? `${peerNs}/${peerWl ?? 'unknown'}` : (peerWl ?? 'unknown');
      collect('peer', r, {
        ...own,
        direction: r.direction ?? '',
        peer: this.peers.name(peer),
      });
    }
    for (const [key, entry] of current) {
      const before = this.seen.get(key)?.sums;
      const grow = (a: number | null, b: number | null | undefined): number =>
        a === null ? 0 : Math.max(0, a - (b ?? 0));
      const labels = entry.sums.labels;
      if (key.startsWith('peer|')) {
        const d = grow(entry.sums.flows, before?.flows);
        if (d > 0 || !before) this.deniedByPeer.inc(labels, d);
      } else {
        const counters = [
          [this.flows, entry.sums.flows, before?.flows],
          [this.packets, entry.sums.packets, before?.packets],
          [this.bytes, entry.sums.bytes, before?.bytes],
        ] as const;
        for (const [c, value, prev] of counters) {
          const d = grow(value, prev);
          // A series appears (at 0) as soon as its source reports the counter at all.
          if (value !== null && (d > 0 || !before)) c.inc(labels, d);
        }
      }
      this.seen.set(key, entry);
    }
    for (const [key, entry] of this.seen) if (entry.bucket < from) this.seen.delete(key);
  }
}
