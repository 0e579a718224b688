/**
 * calico-accountant metrics (FORMATS.md §4): Prometheus text dumps of per-workload iptables
 * counters. Counters become per-interval deltas: the first sample of a series is its baseline,
 * each later sample yields `value − previous` packets (or `value` after a reset, when the
 * counter went down). Packets only: `flows` and `bytes` are null, the peer is unknown.
 */
import {
  type Endpoint,
  type Flow,
  type FlowReason,
  type PolicyRef,
  unknownEndpoint,
  type Verdict,
} from '../../domain/flow.js';
import { parsePolicyKey } from '../calico-flowlog/policy-key.js';
import type { FlowParser, LineOutcome, ParserOptions } from '../parser.js';
import { fail, isBlank, none, skip } from '../wire.js';
import { parseExpositionLine, type Sample } from './exposition.js';

interface Kind {
  verdict: Verdict;
  reason: FlowReason;
  action: 'allow' | 'deny' | null;
}

const METRICS: Readonly<Record<string, Kind>> = {
  no_policy_drop_counter: { verdict: 'denied', reason: 'no-policy-matched', action: null },
  policy_accept_counter: { verdict: 'allowed', reason: 'allowed-by-policy', action: 'allow' },
  policy_accept_drop_counter: { verdict: 'denied', reason: 'explicit-deny', action: 'deny' },
};
const DROPPED_SCRAPE = 'calico_accountant_dropped_scrape';

interface Last {
  value: number;
  time: number;
}

/** Bounds memory on hostile input; a real node exports a few thousand series. */
const MAX_SERIES = 1_000_000;

class AccountantParser implements FlowParser {
  readonly format = 'accountant' as const;
  private readonly series = new Map<string, Last>();
  private scrapeTime: number | null = null;

  constructor(private readonly options: ParserOptions) {}

  parseLine(line: string, lineNo: number): LineOutcome {
    if (isBlank(line)) return none();
    const parsed = parseExpositionLine(line);
    switch (parsed.kind) {
      case 'error':
        return fail(lineNo, parsed.field, parsed.message);
      case 'comment':
        return skip();
      case 'scrape':
        this.scrapeTime = parsed.timeMs;
        return skip();
    }
    return this.sample(parsed, lineNo);
  }

  private sample(s: Sample, lineNo: number): LineOutcome {
    const base = s.name.endsWith('_total') ? s.name.slice(0, -6) : s.name;
    // Scrapes the exporter ignored, and unrelated metrics in the same dump, are not flows.
    if (base === DROPPED_SCRAPE) return skip();
    const kind = METRICS[base];
    if (kind === undefined) return skip();
    const time = s.timestampMs ?? this.scrapeTime ?? this.options.now?.() ?? null;
    if (time === null)
      return fail(lineNo, 'timestamp', 'sample has no timestamp and no `# scrape <time>` marker');
    // NaN / ±Inf are legal exposition values but say nothing about packets: skip, keep baseline.
    if (!Number.isFinite(s.value)) return skip();
    if (s.value < 0) return fail(lineNo, 'value', 'a counter cannot be negative');
    const labels = new Map(s.labels);
    const type = labels.get('type');
    if (type !== 'fw' && type !== 'tw')
      return fail(
        lineNo,
        'labels.type',
        'expected type="fw" (from workload) or "tw" (to workload)',
      );
    const policyKey = labels.get('policy') ?? '';
    if (kind.action !== null && policyKey === '')
      return fail(lineNo, 'labels.policy', `${base} needs a policy label`);

    const key = `${base}\u0000${s.labels.map(([k, v]) => `${k}\u0001${v}`).join('\u0000')}`;
    const last = this.series.get(key);
    if (last === undefined) {
      if (this.series.size >= MAX_SERIES) this.series.clear();
      this.series.set(key, { value: s.value, time });
      return skip();
    }
    // The same scrape seen twice (or out of order) adds nothing.
    if (time <= last.time) return skip();
    const delta = s.value >= last.value ? s.value - last.value : s.value;
    const start = last.time;
    last.value = s.value;
    last.time = time;
    if (delta === 0) return skip();

    const workload = workloadOf(labels);
    const policies: PolicyRef[] =
      kind.action === null
        ? []
        : [{ ...parsePolicyKey(policyKey), rule: null, action: kind.action }];
    const egress = type === 'fw';
    const flow: Flow = {
      time: start,
      cluster: nonEmpty(labels.get('cluster')) ?? this.options.cluster,
      src: egress ? workload : unknownEndpoint(),
      dst: egress ? unknownEndpoint() : workload,
      protocol: 'other',
      port: null,
      direction: egress ? 'egress' : 'ingress',
      verdict: kind.verdict,
      reason: kind.reason,
      dropReason: null,
      policies,
      flows: null,
      packets: delta,
      bytes: null,
      bytesToDst: null,
      bytesToSrc: null,
      source: 'accountant',
      node: nonEmpty(labels.get('instance')) ?? nonEmpty(labels.get('node')),
      durationMs: time - start,
    };
    return { flows: [flow] };
  }

  finish(): LineOutcome {
    // Deltas are emitted as samples arrive; a baseline with no successor has nothing to say.
    return none();
  }
}

function nonEmpty(v: string | undefined): string | null {
  return v === undefined || v === '' ? null : v;
}

/**
 * After Prometheus scraped the exporter, `pod` and `namespace` name the exporter itself and
 * the workload's pod moves to `exported_pod`; `pod_namespace` is the workload's namespace.
 */
function workloadOf(labels: Map<string, string>): Endpoint {
  const scraped = labels.has('exported_pod');
  const pod = nonEmpty(scraped ? labels.get('exported_pod') : labels.get('pod'));
  const namespace =
    nonEmpty(labels.get('pod_namespace')) ??
    nonEmpty(labels.get('exported_namespace')) ??
    (scraped ? null : nonEmpty(labels.get('namespace')));
  const app = nonEmpty(labels.get('app'));
  const ipList = labels.get('ip') ?? '';
  const first = ipList.split(',')[0]?.trim() ?? '';
  const ip = first === '' ? null : first.replace(/\/(32|128)$/, '');
  return {
    kind: pod !== null || namespace !== null ? 'pod' : 'unknown',
    namespace,
    pod,
    workload: null,
    labels: app === null ? {} : { app },
    ip,
    dnsNames: [],
    externalGroup: null,
  };
}

/**
 * Creates a stateful calico-accountant parser (one per input stream).
 * @example
 * const p = createAccountantParser({ cluster: 'prod' });
 * p.parseLine('policy_accept_counter{pod="a",type="fw",policy="ns/knp.default.x"} 10 1741080000000', 1);
 */
export function createAccountantParser(options: ParserOptions): FlowParser {
  return new AccountantParser(options);
}
