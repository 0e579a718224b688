/**
 * Denied traffic: misconfiguration or attack? Explainable rules over each source's episodes of
 * policy denials, in this order: port scan (many ports on one host), IP sweep (many hosts on
 * few ports), external probe (an internet source), blocked egress (a pod trying to reach the
 * internet, periodic = possible beacon), misconfiguration (one internal destination, persistent
 * or from several replicas), unknown (the rest that repeats).
 */
import { type Flow, isPolicyDenial, SOURCE_CAPABILITIES } from '../flow.js';
import type { ChangeLookup } from './changes.js';
import {
  groupBy,
  periodicityCv,
  ratePerMinute,
  type Span,
  spanOf,
  splitEpisodes,
} from './denied-patterns.js';
import { emptyEvidence, type FindingDraft, findingKey } from './draft.js';
import type { Finding } from './finding.js';
import { bounded, hostKey, peerKey, workloadKey } from './names.js';
import type { DeniedDetectOptions } from './options.js';
import { groupViolations, policyOrReason } from './violations.js';

const SAMPLES = 20;

interface Source {
  cluster: string;
  namespace: string | null;
  workload: string | null;
  external: string | null;
}

function sourceOf(f: Flow): Source {
  const wl = workloadKey(f.src);
  const slash = wl?.indexOf('/') ?? -1;
  return {
    cluster: f.cluster,
    namespace: wl ? wl.slice(0, slash) || null : null,
    workload: wl ? wl.slice(slash + 1) : null,
    external: f.src.kind === 'external' ? peerKey(f.src) : null,
  };
}

function splitWl(key: string): { namespace: string | null; workload: string | null } {
  const i = key.indexOf('/');
  if (i < 0) return { namespace: null, workload: key };
  return { namespace: key.slice(0, i) || null, workload: key.slice(i + 1) };
}

function portList(ports: Set<number>): string {
  const list = [...ports].sort((a, b) => a - b);
  return list.length > 8
    ? `${list.slice(0, 8).join(', ')}, … (${list.length} ports)`
    : list.join(', ');
}

function draft(
  type: Finding['type'],
  subject: Finding['subject'],
  span: Span,
  events: readonly Flow[],
  opts: DeniedDetectOptions,
  parts: {
    severity: Finding['severity'];
    confidence: number;
    explanation: string;
    extra?: Record<string, number>;
    keyExtra?: string;
  },
): FindingDraft {
  const evidence = emptyEvidence('flows');
  const sensitive = [...span.ports].filter((p) => opts.sensitivePorts.includes(p));
  evidence.observed = span.attempts;
  evidence.distinctPorts = span.ports.size;
  evidence.distinctHosts = span.hosts.size;
  evidence.ratePerMin = ratePerMinute(span);
  evidence.extra = {
    sourcePods: span.srcHosts.size,
    sensitivePorts: sensitive.length,
    ...parts.extra,
  };
  const policies = new Set(events.map(policyOrReason));
  const samples = bounded(
    [
      ...[...span.ports]
        .sort((a, b) => a - b)
        .slice(0, 10)
        .map((p) => `port ${p}`),
      ...[...span.hosts].slice(0, 5).map((h) => `host ${h}`),
      ...[...policies].slice(0, 3).map((p) => `policy ${p}`),
    ],
    SAMPLES,
  );
  return {
    key: findingKey(type, subject, parts.keyExtra),
    type,
    severity: parts.severity,
    confidence: Math.max(0, Math.min(1, parts.confidence)),
    start: span.start,
    end: span.end,
    subject,
    evidence,
    explanation: parts.explanation,
    samples,
  };
}

/** Port scans and sweeps are carved out first; what remains is judged per destination. */
function episodeFindings(
  src: Source,
  events: Flow[],
  opts: DeniedDetectOptions,
  changes: ChangeLookup | null,
): FindingDraft[] {
  const out: FindingDraft[] = [];
  const who = src.external ?? `${src.namespace}/${src.workload}`;
  const base = { cluster: src.cluster, namespace: src.namespace, workload: src.workload };
  let rest = events;

  if (src.external === null) {
    // Port scan: one destination host, many ports.
    for (const [host, list] of groupBy(rest, (e) => hostKey(e.dst))) {
      const span = spanOf(list);
      if (span.ports.size < opts.portScanMinPorts) continue;
      const target = peerKey((list[0] as Flow).dst);
      out.push(
        draft('port-scan', { ...base, peer: `${target} (${host})` }, span, list, opts, {
          severity: 'high',
          confidence: Math.min(0.99, 0.6 + span.ports.size / 100),
          explanation: `${who} tried ${span.ports.size} different ports on one host (${target}, ${host}) within ${Math.max(1, Math.round((span.end - span.start) / 60_000))} min, all denied by policy: a port scan, typical of a compromised pod mapping its neighbours. Ports: ${portList(span.ports)}.`,
        }),
      );
      rest = rest.filter((e) => hostKey(e.dst) !== host);
    }
    // IP sweep: one port, many destinations.
    const sweepPorts = [...groupBy(rest, (e) => String(e.port))].filter(
      ([, list]) => new Set(list.map((e) => peerKey(e.dst))).size >= opts.ipSweepMinHosts,
    );
    if (sweepPorts.length > 0 && sweepPorts.length <= opts.ipSweepMaxPorts) {
      const list = sweepPorts.flatMap(([, l]) => l);
      const span = spanOf(list);
      const namespaces = new Set(list.map((e) => e.dst.namespace ?? 'external'));
      const dstWorkloads = new Set(list.map((e) => peerKey(e.dst)));
      out.push(
        draft(
          'ip-sweep',
          {
            ...base,
            peer: `${dstWorkloads.size} destinations in ${namespaces.size} namespaces, port ${portList(span.ports)}`,
          },
          span,
          list,
          opts,
          {
            severity: 'high',
            confidence: Math.min(0.99, 0.6 + dstWorkloads.size / 50),
            explanation: `${who} tried port ${portList(span.ports)} on ${span.hosts.size} hosts (${dstWorkloads.size} workloads in ${namespaces.size} namespaces), denied by policy: an IP sweep, typical of lateral movement looking for a way in.`,
            extra: { namespaces: namespaces.size },
          },
        ),
      );
      const swept = new Set(sweepPorts.map(([p]) => p));
      rest = rest.filter((e) => !swept.has(String(e.port)));
    }
  }

  if (src.external !== null) {
    for (const [target, list] of groupBy(rest, (e) => peerKey(e.dst))) {
      const span = spanOf(list);
      const sensitive = [...span.ports].filter((p) => opts.sensitivePorts.includes(p));
      if (
        span.ports.size < opts.externalProbeMinPorts &&
        sensitive.length === 0 &&
        span.attempts < opts.minAttempts
      )
        continue;
      const t = splitWl(target);
      out.push(
        draft(
          'external-probe',
          { cluster: src.cluster, ...t, peer: src.external },
          span,
          list,
          opts,
          {
            severity: sensitive.length > 0 ? 'high' : 'medium',
            confidence: Math.min(
              0.95,
              0.5 + span.ports.size / 20 + (sensitive.length > 0 ? 0.2 : 0),
            ),
            explanation: `The internet address ${src.external} tried ${span.ports.size} port(s) on ${target} (${span.attempts} attempts), denied by policy${sensitive.length > 0 ? `, including sensitive ports ${sensitive.join(', ')}` : ''}: probing from outside the cluster. Ports: ${portList(span.ports)}.`,
          },
        ),
      );
    }
    return out;
  }

  // What remains: one finding per destination (external destinations grouped per port).
  const byDst = groupBy(rest, (e) =>
    e.dst.kind === 'external'
      ? `ext|${e.port}|${e.protocol}`
      : `int|${peerKey(e.dst)}|${e.port}|${e.protocol}`,
  );
  for (const list of byDst.values()) {
    const span = spanOf(list);
    if (span.attempts < opts.minAttempts) continue;
    const first = list[0] as Flow;
    const duration = span.end - span.start;
    const persistent = duration >= opts.minPersistenceMs;
    const rate = ratePerMinute(span);
    if (first.dst.kind === 'external') {
      const ips = new Set(list.map((e) => peerKey(e.dst)));
      const cv = span.attempts >= opts.beaconMinAttempts ? periodicityCv(list) : null;
      const periodic = cv !== null && cv <= opts.beaconMaxCv;
      if (!persistent && !periodic) continue;
      const peer = ips.size === 1 ? ([...ips][0] as string) : `${ips.size} external addresses`;
      const gap = periodic ? (span.end - span.start) / Math.max(1, span.attempts - 1) / 1000 : 0;
      out.push(
        draft('blocked-egress', { ...base, peer }, span, list, opts, {
          severity: periodic ? 'high' : 'medium',
          confidence: periodic ? Math.min(0.95, 0.75 + (opts.beaconMaxCv - (cv ?? 0))) : 0.6,
          explanation: `${who} tried ${span.attempts} times to reach ${peer} on port ${first.port}/${first.protocol} over ${Math.round(duration / 60_000)} min, and egress policy denied each attempt.${periodic ? ` The attempts come at a regular interval (about every ${Math.round(gap)} s, variation ${Math.round((cv ?? 0) * 100)}%): a strong sign of a beacon calling home.` : ' A pod repeatedly trying to reach the internet: a missing egress rule, or software phoning home.'}`,
          extra:
            cv === null
              ? { externalAddresses: ips.size }
              : { externalAddresses: ips.size, periodicityCv: cv },
          keyExtra: String(first.port),
        }),
      );
      continue;
    }
    const dst = peerKey(first.dst);
    const replicas = span.srcHosts.size;
    const change =
      changes && src.workload
        ? changes(src.cluster, `${src.namespace}/${src.workload}`, span.start, opts.changeWindowMs)
        : null;
    const sensitive = first.port !== null && opts.sensitivePorts.includes(first.port);
    const conn = `${dst}:${first.port}/${first.protocol}`;
    if (persistent || replicas >= 2 || change) {
      const reasons = [
        `it targets a single destination (${conn})`,
        persistent
          ? `it persists (${Math.round(duration / 60_000)} min, ${rate.toFixed(1)} attempts/min)`
          : null,
        replicas >= 2 ? `${replicas} replicas make the same call` : null,
        change ? `its start coincides with a change (${change})` : null,
      ].filter((r): r is string => r !== null);
      out.push(
        draft('misconfiguration', { ...base, peer: dst }, span, list, opts, {
          severity: sensitive ? 'medium' : 'low',
          confidence: Math.min(
            0.95,
            0.55 + (replicas >= 2 ? 0.15 : 0) + (persistent ? 0.1 : 0) + (change ? 0.15 : 0),
          ),
          explanation: `${who} keeps calling ${conn} and policy ${policyOrReason(first)} denies it. Looks like a misconfiguration (a missing allow rule or a wrong target) because ${reasons.join(', ')}.${sensitive ? ' The port is sensitive: check the caller really needs it.' : ''}`,
          extra: change ? { coincidesWithChange: 1 } : {},
          keyExtra: `${first.port}/${first.protocol}`,
        }),
      );
    } else {
      out.push(
        draft('unknown', { ...base, peer: dst }, span, list, opts, {
          severity: sensitive ? 'medium' : 'low',
          confidence: 0.3,
          explanation: `${who} made ${span.attempts} denied attempts to ${conn} in a short burst from one pod; no rule explains it (not a scan, sweep, probe or persistent misconfiguration).`,
          keyExtra: `${first.port}/${first.protocol}`,
        }),
      );
    }
  }
  return out;
}

/**
 * The policy denials of a window, one list per source: the units `detectDeniedSource` judges.
 * Fed in any order and in parts (`add` per page of raw events), so that grouping a large
 * window need not be one long computation. Non-policy drops, and sources without peers
 * (calico-accountant counters cannot say who was denied), are left out.
 */
export class DeniedSources {
  private readonly bySource = new Map<string, Flow[]>();

  add(events: readonly Flow[]): void {
    for (const e of events) {
      if (!isPolicyDenial(e) || !SOURCE_CAPABILITIES[e.source].peer) continue;
      const key = `${e.cluster}|${e.src.kind === 'external' ? 'ext' : 'int'}|${peerKey(e.src)}`;
      const list = this.bySource.get(key);
      if (list) list.push(e);
      else this.bySource.set(key, [e]);
    }
  }

  /**
   * Each source's denials, oldest first (a stable sort: equal times keep the order fed), the
   * sources in the order of their keys, so that the order fed does not change the answer.
   */
  lists(): Flow[][] {
    return [...this.bySource.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, list]) => list.sort((a, b) => a.time - b.time));
  }
}

/** The policy denials among `events` (any order), oldest first, one list per source. */
export function deniedBySource(events: readonly Flow[]): Flow[][] {
  const sources = new DeniedSources();
  sources.add(events);
  return sources.lists();
}

/** Findings for one source's denials (a list from `deniedBySource`), episode by episode. */
export function detectDeniedSource(
  list: readonly Flow[],
  opts: DeniedDetectOptions,
  changes: ChangeLookup | null = null,
): FindingDraft[] {
  const first = list[0];
  if (!first) return [];
  const src = sourceOf(first);
  const out: FindingDraft[] = [];
  for (const ep of splitEpisodes(list, opts.episodeGapMs))
    out.push(...episodeFindings(src, ep, opts, changes));
  return out;
}

/**
 * Findings for the policy denials among `events` (any order). Non-policy drops are ignored.
 * @example detectDenied(flows, DEFAULT_DETECT_OPTIONS.denied).map((f) => f.type)
 */
export function detectDenied(
  events: readonly Flow[],
  opts: DeniedDetectOptions,
  changes: ChangeLookup | null = null,
): FindingDraft[] {
  return deniedBySource(events).flatMap((list) => detectDeniedSource(list, opts, changes));
}

export { groupViolations };
