/**
 * Allowed traffic: spikes over the usual level (hour-of-week median + MAD, with a short-term
 * EWMA and a minimum history), classified as exfiltration (egress bytes to external peers),
 * amplification (UDP replies much larger than requests towards external peers on reflector
 * ports) or traffic-spike; and new connections from established workloads.
 */
import type { AllowedSeries } from './allowed-series.js';
import { ewmaStep, MAD_TO_SD, usualLevel } from './baseline.js';
import { emptyEvidence, type FindingDraft, findingKey } from './draft.js';
import type { Finding } from './finding.js';
import type { AllowedDetectOptions } from './options.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface Window {
  from: number;
  to: number;
}

interface Hit {
  step: number;
  observed: number;
  usual: number;
  spread: number;
  flows: number;
  bytes: number | null;
  basis: string;
}

const fmt = (n: number, unit: string): string => {
  if (unit !== 'bytes') return `${Math.round(n)} ${unit}`;
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${Math.round(n)} B`;
};

function subjectOf(s: AllowedSeries): Finding['subject'] {
  return { cluster: s.cluster, namespace: s.namespace, workload: s.workload, peer: s.peer };
}

/** Steps of the series flagged as above the usual level. */
function spikeHits(s: AllowedSeries, w: Window, o: AllowedDetectOptions): Hit[] {
  const steps = [...s.steps.keys()].sort((a, b) => a - b);
  const scale = o.stepMs / HOUR;
  const hits: Hit[] = [];
  let ewma: number | null = null;
  const first = steps[0];
  if (first === undefined) return hits;
  for (let t = first; t < w.to; t += o.stepMs) {
    const cur = s.steps.get(t) ?? { value: 0, flows: 0, bytes: null };
    const hour = t - (t % HOUR);
    const usualH =
      t - s.firstSeen >= o.minHistoryMs
        ? usualLevel(
            s.hourly,
            hour,
            s.firstSeen,
            o.baselineMs,
            o.minWeeklySamples,
            o.minDailySamples,
          )
        : null;
    if (usualH === null) {
      ewma = ewma === null ? cur.value : ewmaStep(ewma, cur.value, o.ewmaAlpha);
      continue;
    }
    const usual = usualH.median * scale;
    // Few large flows make a lumpy byte series: the spread is at least the Poisson noise of
    // the usual number of flows, times the typical bytes per flow.
    const perFlow = s.perFlow;
    const poisson =
      s.unit === 'bytes' ? perFlow * Math.sqrt(Math.max(usual / perFlow, 1)) : Math.sqrt(usual);
    const spread = Math.max(
      usualH.mad * MAD_TO_SD * Math.sqrt(scale),
      poisson,
      0.1 * usual,
      s.unit === 'bytes' ? 1_000 : 1,
    );
    const base: number = ewma ?? usual;
    const minLevel = s.unit === 'bytes' ? o.minBytesPerStep : o.minFlowsPerStep;
    const flagged: boolean =
      t >= w.from &&
      cur.value >= minLevel &&
      cur.value >= o.spikeRatio * usual &&
      (cur.value - usual) / spread >= o.spikeMinZ &&
      cur.value >= o.ewmaRatio * base;
    if (flagged)
      hits.push({
        step: t,
        observed: cur.value,
        usual,
        spread,
        flows: cur.flows,
        bytes: cur.bytes,
        basis: usualH.basis,
      });
    // Anomalous steps are clamped so that an attack does not become the new normal.
    const fed: number = flagged ? Math.min(cur.value, usual + o.spikeMinZ * spread) : cur.value;
    ewma = ewma === null ? fed : ewmaStep(ewma, fed, o.ewmaAlpha);
  }
  return hits;
}

/** Consecutive (or one-step-apart) hits form one episode. */
function episodes<T extends { step: number }>(hits: T[], stepMs: number): T[][] {
  const out: T[][] = [];
  for (const h of hits) {
    const last = out[out.length - 1];
    const prev = last?.[last.length - 1];
    if (last && prev && h.step - prev.step <= 2 * stepMs) last.push(h);
    else out.push([h]);
  }
  return out;
}

function spikeDraft(s: AllowedSeries, ep: Hit[], o: AllowedDetectOptions): FindingDraft {
  const peak = ep.reduce((a, b) => (b.observed > a.observed ? b : a));
  const exfil =
    s.unit === 'bytes' &&
    !s.inbound &&
    (s.peerExternal || s.kind === 'egress-external') &&
    peak.observed >= o.exfiltrationMinBytesPerStep;
  const type: Finding['type'] = exfil ? 'exfiltration' : 'traffic-spike';
  const e = emptyEvidence(s.unit);
  const ratio = peak.observed / Math.max(peak.usual, 1e-9);
  e.observed = peak.observed;
  e.usual = peak.usual;
  e.spread = peak.spread;
  e.ratePerMin = peak.flows / (o.stepMs / 60_000);
  e.extra = {
    ratio: Math.min(ratio, 1e6),
    z: (peak.observed - peak.usual) / peak.spread,
    steps: ep.length,
    stepMinutes: o.stepMs / 60_000,
  };
  const who = `${s.namespace}/${s.workload}`;
  const what =
    s.kind === 'connection'
      ? `${s.inbound ? `traffic from ${s.peer} to ${who}` : `traffic from ${who} to ${s.peer}`} on ${s.port}/${s.protocol}`
      : s.kind === 'egress-external'
        ? `egress from ${who} to external peers`
        : `${s.kind === 'egress-total' ? 'total egress of' : 'total ingress of'} ${who}`;
  const unitNote = s.unit === 'bytes' ? 'bytes' : `flows (${s.source} reports no bytes)`;
  const usualText = ratio >= 1e6 ? 'almost nothing' : fmt(peak.usual, s.unit);
  const explanation = `${what[0]?.toUpperCase()}${what.slice(1)} reached ${fmt(peak.observed, s.unit)} in ${o.stepMs / 60_000} min, ${ratio >= 1e6 ? 'far above' : `${ratio.toFixed(1)}×`} the usual ${usualText} for this ${peak.basis} (robust z ${e.extra.z?.toFixed(1)}; unit: ${unitNote}).${exfil ? ' The volume leaves the cluster: possible data exfiltration.' : ' Possibly a release calling in a loop, a retry storm, or a load change.'}`;
  const severity: Finding['severity'] = exfil
    ? ratio >= 10
      ? 'high'
      : 'medium'
    : ratio >= 10
      ? 'medium'
      : 'low';
  return {
    key: findingKey(
      type,
      subjectOf(s),
      `${s.kind}|${s.protocol ?? ''}|${s.port ?? ''}|${s.source}`,
    ),
    type,
    severity,
    confidence: Math.min(
      0.95,
      0.5 + Math.log10(Math.max(ratio, 1)) / 4 + (ep.length > 1 ? 0.1 : 0),
    ),
    start: (ep[0] as Hit).step,
    end: (ep[ep.length - 1] as Hit).step + o.stepMs,
    subject: subjectOf(s),
    evidence: e,
    explanation,
    samples: [s.kind, `${s.source}`, ...(s.port === null ? [] : [`port ${s.port}/${s.protocol}`])],
  };
}

/** Key of the measured reply/request ratios: cluster, in-cluster workload, port. */
export function ratioKey(cluster: string, workload: string, port: number | null): string {
  return `${cluster}|${workload}|${port ?? ''}`;
}

/** UDP reflection: replies far larger than the requests, towards an external peer. */
function amplification(
  s: AllowedSeries,
  w: Window,
  o: AllowedDetectOptions,
  ratios: ReadonlyMap<string, number>,
): FindingDraft[] {
  if (s.kind !== 'connection' || s.protocol !== 'UDP' || !s.inbound || !s.peerExternal) return [];
  if (s.port === null || !o.amplificationPorts.includes(s.port)) return [];
  const hits: Hit[] = [];
  for (const [t, cur] of s.steps) {
    if (t < w.from || t >= w.to || cur.bytes === null || cur.flows < 10) continue;
    const perFlow = cur.bytes / cur.flows;
    if (perFlow >= o.amplificationMinBytesPerFlow)
      hits.push({
        step: t,
        observed: cur.bytes,
        usual: 0,
        spread: 0,
        flows: cur.flows,
        bytes: cur.bytes,
        basis: '',
      });
  }
  hits.sort((a, b) => a.step - b.step);
  const ratio = ratios.get(ratioKey(s.cluster, `${s.namespace}/${s.workload}`, s.port));
  if (ratio !== undefined && ratio < o.amplificationMinRatio) return [];
  return episodes(hits, o.stepMs).map((ep) => {
    const bytes = ep.reduce((a, h) => a + h.observed, 0);
    const flows = ep.reduce((a, h) => a + h.flows, 0);
    const e = emptyEvidence('bytes');
    e.observed = bytes;
    e.ratePerMin = flows / ((ep.length * o.stepMs) / 60_000);
    e.extra = {
      bytesPerFlow: bytes / flows,
      ...(ratio === undefined ? {} : { bytesOutToIn: ratio }),
    };
    const who = `${s.namespace}/${s.workload}`;
    return {
      key: findingKey('amplification', subjectOf(s), `${s.port}`),
      type: 'amplification',
      severity: 'high',
      confidence: ratio === undefined ? 0.75 : 0.9,
      start: (ep[0] as Hit).step,
      end: (ep[ep.length - 1] as Hit).step + o.stepMs,
      subject: subjectOf(s),
      evidence: e,
      explanation: `${who} answers UDP ${s.port} requests from ${s.peer} with ${Math.round(bytes / flows)} bytes per exchange (${flows} exchanges, ${fmt(bytes, 'bytes')})${ratio === undefined ? '' : `, ${ratio.toFixed(0)}× more bytes out than in`}. Small requests, large replies towards an external address on a reflector port: the cluster is being used as an amplifier, likely against a spoofed victim.`,
      samples: [`port ${s.port}/UDP`, `peer ${s.peer}`],
    };
  });
}

/** Connections (any source format) first seen in the window, from workloads known for long enough. */
function newConnections(
  series: readonly AllowedSeries[],
  w: Window,
  o: AllowedDetectOptions,
): FindingDraft[] {
  const connFirst = new Map<string, { first: number; series: AllowedSeries[] }>();
  const wlFirst = new Map<string, number>();
  for (const s of series) {
    const wl = `${s.cluster}|${s.namespace}/${s.workload}`;
    wlFirst.set(wl, Math.min(wlFirst.get(wl) ?? Infinity, s.firstSeen));
    if (s.kind !== 'connection') continue;
    const k = `${s.cluster}|${s.namespace}/${s.workload}|${s.inbound}|${s.peer}|${s.protocol}|${s.port}`;
    const c = connFirst.get(k) ?? { first: Infinity, series: [] };
    c.first = Math.min(c.first, s.firstSeen);
    c.series.push(s);
    connFirst.set(k, c);
  }
  const byWorkload = new Map<
    string,
    { s: AllowedSeries; first: number; flows: number; last: number }[]
  >();
  for (const c of connFirst.values()) {
    if (c.first < w.from || c.first >= w.to) continue;
    const s = c.series[0] as AllowedSeries;
    const wl = `${s.cluster}|${s.namespace}/${s.workload}`;
    if (c.first - (wlFirst.get(wl) ?? Infinity) < o.newConnectionMinAgeMs) continue;
    let flows = 0;
    let last = c.first;
    for (const x of c.series)
      for (const [t, v] of x.steps)
        if (t >= w.from && t < w.to) {
          flows += v.flows;
          last = Math.max(last, t + o.stepMs);
        }
    if (flows < o.newConnectionMinFlows) continue;
    const list = byWorkload.get(wl) ?? [];
    list.push({ s, first: c.first, flows, last });
    byWorkload.set(wl, list);
  }
  const out: FindingDraft[] = [];
  for (const list of byWorkload.values()) {
    const s = (list[0] as (typeof list)[number]).s;
    const age = Math.floor(
      (Math.min(...list.map((l) => l.first)) -
        (wlFirst.get(`${s.cluster}|${s.namespace}/${s.workload}`) ?? 0)) /
        DAY,
    );
    const conns = list.map(
      (l) =>
        `${l.s.inbound ? `from ${l.s.peer}` : `to ${l.s.peer}`} on ${l.s.port}/${l.s.protocol}`,
    );
    const e = emptyEvidence('flows');
    e.observed = list.reduce((a, l) => a + l.flows, 0);
    e.usual = 0;
    e.distinctHosts = new Set(list.map((l) => l.s.peer)).size;
    e.distinctPorts = new Set(list.map((l) => l.s.port)).size;
    e.extra = { connections: list.length, workloadAgeDays: age };
    const subject = {
      ...subjectOf(s),
      peer: list.length === 1 ? s.peer : `${list.length} new peers`,
    };
    out.push({
      key: findingKey('new-connection', { ...subject, peer: null }),
      type: 'new-connection',
      severity: list.some((l) => l.s.peerExternal) ? 'medium' : 'low',
      confidence: 0.6,
      start: Math.min(...list.map((l) => l.first)),
      end: Math.max(...list.map((l) => l.last)),
      subject,
      evidence: e,
      explanation: `${s.namespace}/${s.workload}, seen for ${age} days, made ${list.length === 1 ? 'a connection' : `${list.length} connections`} never seen before: ${conns.slice(0, 5).join('; ')}${conns.length > 5 ? '; …' : ''}.`,
      samples: conns.slice(0, 20),
    });
  }
  return out;
}

/**
 * Findings over allowed traffic in the window `w`. `ratios` optionally gives, per `ratioKey`,
 * a measured reply/request byte ratio (from raw events that report both directions).
 * @example detectAllowed([...builder.series.values()], { from, to }, DEFAULT_DETECT_OPTIONS.allowed)
 */
export function detectAllowed(
  series: readonly AllowedSeries[],
  w: Window,
  o: AllowedDetectOptions,
  ratios: ReadonlyMap<string, number> = new Map(),
): FindingDraft[] {
  const out: FindingDraft[] = [];
  for (const s of series) {
    const amp = amplification(s, w, o, ratios);
    out.push(...amp);
    if (amp.length > 0) continue;
    const hits = spikeHits(s, w, o);
    for (const ep of episodes(hits, o.stepMs)) out.push(spikeDraft(s, ep, o));
  }
  out.push(...newConnections(series, w, o));
  return out;
}
