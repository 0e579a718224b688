/**
 * Calico Goldmane / Whisker flows (FORMATS.md §2): whisker-backend's `FlowResponse` JSON (also
 * as `data: …` lines of its event stream), and Goldmane's protobuf `Flow` / `FlowResult` in
 * JSON, snake_case or camelCase. One record → one aggregated Flow.
 */
import type { Flow } from '../../domain/flow.js';
import { externalGroupOf } from '../../domain/ip.js';
import {
  actionOf,
  calicoEndpoint,
  decide,
  endpointTypeOf,
  mergePolicies,
  reporterOf,
  splitBytes,
} from '../calico-flowlog/calico-common.js';
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
  skip,
} from '../wire.js';
import { hitsOf } from './policy-hits.js';

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Reads a field by its proto name or its JSON (camelCase) name, from the key first. */
function getter(key: JsonObject | null, top: JsonObject): (name: string) => unknown {
  return (name) => {
    const c = camel(name);
    if (key !== null) {
      const v = key[name] ?? key[c];
      if (v !== undefined) return v;
    }
    return top[name] ?? top[c];
  };
}

class GoldmaneParser implements FlowParser {
  readonly format = 'goldmane' as const;
  private readonly groupOf: (ip: string) => string;

  constructor(private readonly options: ParserOptions) {
    this.groupOf = (ip) => externalGroupOf(ip, options.namedCidrs ?? []);
  }

  parseLine(line: string, lineNo: number): LineOutcome {
    if (isBlank(line)) return none();
    let text = line.trimStart();
    // Server-sent events from `GET /flows?watch=true`.
    if (text.startsWith('data:')) text = text.slice(5);
    else if (/^(event|id|retry):/.test(text) || text.startsWith(':')) return skip();
    const parsed = parseJson(text);
    if (!parsed.ok) return fail(lineNo, undefined, parsed.message);
    let o = parsed.value;
    if (!isObject(o)) return fail(lineNo, undefined, 'expected a JSON object');
    let p = '';
    if (isObject(o['flow'])) {
      o = o['flow'];
      p = 'flow.';
    }
    const keyObj = (o as JsonObject)['Key'] ?? (o as JsonObject)['key'];
    const key = isObject(keyObj) ? keyObj : null;
    const kp = key === null ? p : `${p}Key.`;
    return this.map(getter(key, o as JsonObject), p, kp, lineNo);
  }

  private map(g: (n: string) => unknown, p: string, kp: string, lineNo: number): LineOutcome {
    const start = readTime(g('start_time'));
    if (start === null) return fail(lineNo, `${p}start_time`, 'missing or not a time');
    const endRaw = g('end_time');
    const end = endRaw === undefined ? start : readTime(endRaw);
    if (end === null) return fail(lineNo, `${p}end_time`, 'not a time');
    const action = actionOf(g('action'));
    if (action === null) return fail(lineNo, `${kp}action`, 'expected Allow, Deny or Pass');
    const reporter = reporterOf(g('reporter'));

    const counters: Record<string, number | null> = {};
    for (const c of ['packets_in', 'packets_out', 'bytes_in', 'bytes_out']) {
      const v = readCount(g(c));
      if (v === null) return fail(lineNo, `${p}${c}`, 'not a count');
      counters[c] = v ?? null;
    }
    const started = readUint(g('num_connections_started'));
    if (started === null) return fail(lineNo, `${p}num_connections_started`, 'not a count');

    const portRaw = g('dest_port');
    const portN = readUint(portRaw);
    if (portN === null || (portN ?? 0) > 65535) return fail(lineNo, `${kp}dest_port`, 'not a port');
    const protocol = protocolOf(g('protocol') ?? g('proto'));

    const sides = [] as Flow['src'][];
    for (const side of ['source', 'dest'] as const) {
      const labels = readLabels(g(`${side}_labels`));
      if (labels === null) return fail(lineNo, `${p}${side}_labels`, 'expected labels');
      sides.push(
        calicoEndpoint({
          type: endpointTypeOf(g(`${side}_type`)),
          name: readString(g(`${side}_name`)),
          namespace: readString(g(`${side}_namespace`)),
          labels,
          ip: null,
          groupOf: this.groupOf,
        }),
      );
    }
    const pol = g('policies');
    const polObj = isObject(pol) ? pol : {};
    const enforced = hitsOf(
      polObj['enforced'] ?? polObj['enforced_policies'] ?? polObj['enforcedPolicies'],
      false,
    );
    const pending = hitsOf(
      polObj['pending'] ?? polObj['pending_policies'] ?? polObj['pendingPolicies'],
      true,
    );
    const { verdict, reason } = decide(action, enforced, pending);

    const sum = (a: number | null, b: number | null): number | null =>
      a === null && b === null ? null : (a ?? 0) + (b ?? 0);
    const bytesIn = counters['bytes_in'] ?? null;
    const bytesOut = counters['bytes_out'] ?? null;
    const flow: Flow = {
      time: start,
      cluster: this.options.cluster,
      src: sides[0] as Flow['src'],
      dst: sides[1] as Flow['dst'],
      protocol,
      port:
        portN === undefined || portN === 0 || protocol === 'ICMP' || protocol === 'ICMPv6'
          ? null
          : portN,
      direction: reporter === 'src' ? 'egress' : reporter === 'dst' ? 'ingress' : 'unknown',
      verdict,
      reason,
      dropReason: null,
      policies: mergePolicies(enforced, pending),
      flows: started ?? 1,
      packets: sum(counters['packets_in'] ?? null, counters['packets_out'] ?? null),
      bytes: sum(bytesIn, bytesOut),
      ...splitBytes(reporter, bytesIn, bytesOut),
      source: 'goldmane',
      node: null,
      durationMs: Math.max(0, end - start),
    };
    return { flows: [flow] };
  }

  finish(): LineOutcome {
    return none();
  }
}

/**
 * Creates a Goldmane / Whisker flow parser.
 * @example
 * createGoldmaneParser({ cluster: 'prod' }).parseLine('{"start_time":"…","action":"Deny",…}', 1);
 */
export function createGoldmaneParser(options: ParserOptions): FlowParser {
  return new GoldmaneParser(options);
}
