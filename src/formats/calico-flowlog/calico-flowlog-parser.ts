/**
 * Calico Enterprise / Cloud flow logs (FORMATS.md §3): one Elasticsearch document per line,
 * bare or as a search hit with `_source`. Policies are `index|tier|name|action|rule` strings.
 */
import type { Flow, PolicyRef } from '../../domain/flow.js';
import { externalGroupOf } from '../../domain/ip.js';
import type { FlowParser, LineOutcome, ParserOptions } from '../parser.js';
import {
  fail,
  isBlank,
  isObject,
  type JsonObject,
  none,
  parseJson,
  protocolOf,
  readCount,
  readLabels,
  readString,
  readTime,
  readUint,
} from '../wire.js';
import {
  actionOf,
  calicoEndpoint,
  decide,
  endpointTypeOf,
  type Hit,
  mergePolicies,
  reporterOf,
  splitBytes,
} from './calico-common.js';
import { parsePolicyKey } from './policy-key.js';

/** `-` is how flow logs say "not known" or "aggregated away". */
function val(v: unknown): string | null {
  const s = readString(v);
  return s === '-' ? null : s;
}

function parseHits(list: unknown, pending: boolean): Hit[] | string {
  if (list === undefined || list === null) return [];
  const items = typeof list === 'string' ? [list] : list;
  if (!Array.isArray(items)) return 'expected a list of policy strings';
  const hits: Array<Hit & { index: number }> = [];
  for (const [i, item] of items.entries()) {
    if (typeof item !== 'string') return `item ${i}: expected a string`;
    const parts = item.split('|');
    if (parts.length !== 5) return `item ${i}: expected index|tier|name|action|rule`;
    const [index, tier, name, action, rule] = parts as [string, string, string, string, string];
    const a = actionOf(action);
    if (a === null) return `item ${i}: unknown action ${action.slice(0, 20)}`;
    const id = parsePolicyKey(name, tier === '__PROFILE__' ? null : tier);
    // An implicit deny at the end of a tier has no rule of its own: it is logged as rule -1.
    const endOfTier = a === 'deny' && (rule === '-1' || rule === '-');
    const ref: PolicyRef = {
      ...id,
      kind: endOfTier ? 'EndOfTier' : id.kind,
      staged: pending || id.staged,
      rule: rule === '-' || rule === '-1' ? null : rule,
      action: a,
    };
    hits.push({ ref, endOfTier, index: /^\d+$/.test(index) ? Number(index) : hits.length });
  }
  hits.sort((x, y) => x.index - y.index);
  return hits.map(({ ref, endOfTier }) => ({ ref, endOfTier }));
}

class CalicoFlowLogParser implements FlowParser {
  readonly format = 'calico-flowlog' as const;
  private readonly groupOf: (ip: string) => string;

  constructor(private readonly options: ParserOptions) {
    this.groupOf = (ip) => externalGroupOf(ip, options.namedCidrs ?? []);
  }

  parseLine(line: string, lineNo: number): LineOutcome {
    if (isBlank(line)) return none();
    const parsed = parseJson(line);
    if (!parsed.ok) return fail(lineNo, undefined, parsed.message);
    let d = parsed.value;
    if (!isObject(d)) return fail(lineNo, undefined, 'expected a JSON object');
    let p = '';
    if (isObject(d['_source'])) {
      d = d['_source'];
      p = '_source.';
    }
    return this.map(d as JsonObject, p, lineNo);
  }

  private map(d: JsonObject, p: string, lineNo: number): LineOutcome {
    const start = readTime(d['start_time']);
    if (start === null) return fail(lineNo, `${p}start_time`, 'missing or not a time');
    const end = d['end_time'] === undefined ? start : readTime(d['end_time']);
    if (end === null) return fail(lineNo, `${p}end_time`, 'not a time');
    const action = actionOf(d['action']);
    if (action === null) return fail(lineNo, `${p}action`, 'expected allow or deny');
    const reporter = reporterOf(d['reporter']);

    const nums: Record<string, number | null> = {};
    for (const c of [
      'bytes_in',
      'bytes_out',
      'packets_in',
      'packets_out',
      'num_flows',
      'num_flows_started',
    ]) {
      const v = readCount(d[c]);
      if (v === null) return fail(lineNo, `${p}${c}`, 'not a count');
      nums[c] = v ?? null;
    }
    const portRaw = d['dest_port'];
    const port = portRaw === '-' ? undefined : readUint(portRaw);
    if (port === null || (port ?? 0) > 65535) return fail(lineNo, `${p}dest_port`, 'not a port');
    const protocol = protocolOf(d['proto']);

    const sides: Flow['src'][] = [];
    for (const s of ['source', 'dest'] as const) {
      const labels = readLabels(d[`${s}_labels`]);
      if (labels === null) return fail(lineNo, `${p}${s}_labels`, 'expected labels');
      const ep = calicoEndpoint({
        type: endpointTypeOf(d[`${s}_type`]),
        name: val(d[`${s}_name`]) ?? val(d[`${s}_name_aggr`]),
        namespace: val(d[`${s}_namespace`]),
        labels,
        ip: val(d[`${s}_ip`]),
        groupOf: this.groupOf,
      });
      sides.push(ep);
    }
    const domains = d['dest_domains'];
    if (Array.isArray(domains))
      sides[1]!.dnsNames = domains.filter((x): x is string => typeof x === 'string');
    else if (typeof domains === 'string' && domains !== '' && domains !== '-')
      sides[1]!.dnsNames = domains.split(',').map((x) => x.trim());

    const pol = isObject(d['policies']) ? d['policies'] : {};
    const enforced = parseHits(pol['enforced_policies'] ?? pol['all_policies'], false);
    if (typeof enforced === 'string')
      return fail(lineNo, `${p}policies.enforced_policies`, enforced);
    const pending = parseHits(pol['pending_policies'], true);
    if (typeof pending === 'string') return fail(lineNo, `${p}policies.pending_policies`, pending);
    const { verdict, reason } = decide(action, enforced, pending);

    const sum = (a: number | null, b: number | null): number | null =>
      a === null && b === null ? null : (a ?? 0) + (b ?? 0);
    const bytesIn = nums['bytes_in'] ?? null;
    const bytesOut = nums['bytes_out'] ?? null;
    const flow: Flow = {
      time: start,
      cluster: readString(d['cluster']) ?? this.options.cluster,
      src: sides[0]!,
      dst: sides[1]!,
      protocol,
      port:
        port === undefined || port === 0 || protocol === 'ICMP' || protocol === 'ICMPv6'
          ? null
          : port,
      direction: reporter === 'src' ? 'egress' : reporter === 'dst' ? 'ingress' : 'unknown',
      verdict,
      reason,
      dropReason: null,
      policies: mergePolicies(enforced, pending),
      // Connection attempts when the log counts them, else flow records.
      flows: nums['num_flows_started'] ?? nums['num_flows'] ?? 1,
      packets: sum(nums['packets_in'] ?? null, nums['packets_out'] ?? null),
      bytes: sum(bytesIn, bytesOut),
      ...splitBytes(reporter, bytesIn, bytesOut),
      source: 'calico-flowlog',
      node: val(d['host']),
      durationMs: Math.max(0, end - start),
    };
    return { flows: [flow] };
  }

  finish(): LineOutcome {
    return none();
  }
}

/**
 * Creates a Calico Enterprise flow log parser.
 * @example
 * createCalicoFlowLogParser({ cluster: 'prod' }).parseLine(JSON.stringify(esHit), 1);
 */
export function createCalicoFlowLogParser(options: ParserOptions): FlowParser {
  return new CalicoFlowLogParser(options);
}
