/**
 * Cilium Hubble flows (FORMATS.md §1): `hubble observe -o json|jsonpb`, the Hubble exporter
 * and Relay's GetFlows, as bare flows or `{"flow": …}` envelopes, snake_case or camelCase.
 *
 * Counting rules (docs/formats.md): one flow per policy-verdict, drop or unclassified event;
 * trace-point, L7-forward and NAT events, and forwarded replies, are duplicates of an event
 * already counted, so they are `skipped`.
 */
import type { Direction, Flow, PolicyRef, Protocol } from '../../domain/flow.js';
import type { FlowParser, LineOutcome, ParserOptions } from '../parser.js';
import { fail, isBlank, isObject, type JsonObject, none, readUint, skip } from '../wire.js';
import { clusterOf, EndpointMapper } from './endpoint.js';
import { policiesOf } from './policies.js';
import { classifyVerdict, dropReasonText, reasonOfDrop } from './verdict.js';

/** Cilium monitor message types whose flows merely trace a packet already judged elsewhere. */
const TRACE_EVENT_TYPES = new Set([2, 3, 4, 7]);
const L7_EVENT_TYPE = 129;

class HubbleParser implements FlowParser {
  readonly format = 'hubble' as const;
  private readonly endpoints: EndpointMapper;
  private lastTimeText = '';
  private lastTimeMs = 0;

  constructor(private readonly options: ParserOptions) {
    this.endpoints = new EndpointMapper(options.namedCidrs ?? []);
  }

  parseLine(line: string, lineNo: number): LineOutcome {
    if (isBlank(line)) return none();
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch (e) {
      return fail(lineNo, undefined, `invalid JSON: ${(e as Error).message}`);
    }
    if (!isObject(o)) return fail(lineNo, undefined, 'expected a JSON object');
    let f: unknown = o['flow'];
    let p = 'flow.';
    if (f === undefined) {
      const lost = o['lost_events'] ?? o['lostEvents'];
      if (lost !== undefined) return lostEvents(lost, lineNo);
      if (
        o['node_status'] !== undefined ||
        o['nodeStatus'] !== undefined ||
        o['agent_event'] !== undefined ||
        o['agentEvent'] !== undefined ||
        o['debug_event'] !== undefined ||
        o['debugEvent'] !== undefined
      )
        return skip();
      if (o['verdict'] === undefined && o['IP'] === undefined && o['source'] === undefined)
        return fail(lineNo, undefined, 'expected a Hubble flow, lost_events or node_status record');
      f = o;
      p = '';
    }
    if (!isObject(f)) return fail(lineNo, 'flow', 'expected an object');
    return this.mapFlow(f, o, p, lineNo);
  }

  private mapFlow(f: JsonObject, env: JsonObject, p: string, lineNo: number): LineOutcome {
    const cls = classifyVerdict(f['verdict']);
    if (cls === 'bad') return fail(lineNo, `${p}verdict`, `unknown verdict ${short(f['verdict'])}`);
    if (cls === 'skip') return skip();
    const et = f['event_type'] ?? f['eventType'];
    const evType = isObject(et) ? readUint(et['type']) : undefined;
    const isDrop = cls === 'denied' || cls === 'error';
    if (!isDrop && typeof evType === 'number') {
      if (TRACE_EVENT_TYPES.has(evType) || evType === L7_EVENT_TYPE) return skip();
    }
    const reply = f['is_reply'] ?? f['isReply'] ?? f['reply'];
    if (!isDrop && reply === true) return skip();

    const time = this.time(f['time'] ?? env['time']);
    if (time === null) return fail(lineNo, `${p}time`, 'missing or not an RFC 3339 timestamp');

    const l4 = f['l4'];
    let protocol: Protocol = 'other';
    let port: number | null = null;
    if (isObject(l4)) {
      let key = '';
      if (l4['TCP'] !== undefined) key = 'TCP';
      else if (l4['UDP'] !== undefined) key = 'UDP';
      else if (l4['SCTP'] !== undefined) key = 'SCTP';
      else if (l4['ICMPv4'] !== undefined) protocol = 'ICMP';
      else if (l4['ICMPv6'] !== undefined) protocol = 'ICMPv6';
      if (key !== '') {
        protocol = key as Protocol;
        const ports = l4[key];
        if (!isObject(ports)) return fail(lineNo, `${p}l4.${key}`, 'expected an object');
        const raw = ports['destination_port'] ?? ports['destinationPort'];
        const n = readUint(raw);
        if (n === null || (typeof n === 'number' && n > 65535))
          return fail(lineNo, `${p}l4.${key}.destination_port`, `not a port: ${short(raw)}`);
        port = n ?? null;
      }
    } else if (l4 !== undefined && l4 !== null) {
      return fail(lineNo, `${p}l4`, 'expected an object');
    }

    const ipObj = f['IP'] ?? f['ip'];
    let srcIp: string | null = null;
    let dstIp: string | null = null;
    if (isObject(ipObj)) {
      srcIp = ipText(ipObj['source']);
      dstIp = ipText(ipObj['destination']);
    } else if (ipObj !== undefined && ipObj !== null) {
      return fail(lineNo, `${p}IP`, 'expected an object');
    }

    const dirRaw = f['traffic_direction'] ?? f['trafficDirection'];
    const direction: Direction =
      dirRaw === 'INGRESS' || dirRaw === 1
        ? 'ingress'
        : dirRaw === 'EGRESS' || dirRaw === 2
          ? 'egress'
          : 'unknown';

    const srcEp = f['source'];
    const dstEp = f['destination'];
    const src = this.endpoints.map(srcEp, srcIp, f['source_names'] ?? f['sourceNames']);
    const dst = this.endpoints.map(dstEp, dstIp, f['destination_names'] ?? f['destinationNames']);
    const policies: PolicyRef[] = policiesOf(f, direction);

    let reason: Flow['reason'];
    let dropReason: string | null = null;
    if (cls === 'allowed') {
      reason = policies.length > 0 ? 'allowed-by-policy' : 'allowed';
    } else if (cls === 'audit') {
      reason = 'staged-deny';
    } else {
      dropReason = dropReasonText(
        f['drop_reason_desc'] ?? f['dropReasonDesc'],
        f['drop_reason'] ?? f['dropReason'],
        isObject(et) && evType === 1 ? (et['sub_type'] ?? et['subType']) : undefined,
      );
      if (cls === 'error') {
        dropReason ??= 'ERROR';
        reason = 'non-policy-drop';
      } else {
        reason = reasonOfDrop(dropReason);
        // An L7 policy refusal carries no datapath drop reason but is still a policy decision.
        if (reason === 'unknown' && evType === L7_EVENT_TYPE) reason = 'policy-denied';
      }
    }

    const nodeRaw = f['node_name'] ?? f['nodeName'] ?? env['node_name'] ?? env['nodeName'];
    const node = typeof nodeRaw === 'string' && nodeRaw !== '' ? nodeRaw : null;
    const cluster =
      (direction === 'egress' ? clusterOf(srcEp) : clusterOf(dstEp)) ??
      clusterOf(direction === 'egress' ? dstEp : srcEp) ??
      clusterOfNode(node) ??
      this.options.cluster;

    const flow: Flow = {
      time,
      cluster,
      src,
      dst,
      protocol,
      port,
      direction,
      verdict: cls === 'error' ? 'denied' : cls,
      reason,
      dropReason,
      policies,
      flows: 1,
      packets: null,
      bytes: null,
      bytesToDst: null,
      bytesToSrc: null,
      source: 'hubble',
      node,
      durationMs: 0,
    };
    return { flows: [flow] };
  }

  /** RFC 3339 → epoch ms; consecutive events share their second, so that part is cached. */
  private time(v: unknown): number | null {
    if (typeof v !== 'string') {
      if (isObject(v)) {
        const s = readUint(v['seconds']);
        if (typeof s !== 'number') return null;
        const t = s * 1000 + Math.floor((readUint(v['nanos']) ?? 0) / 1e6);
        return t <= 8.64e15 ? t : null;
      }
      return null;
    }
    // Fast path: `YYYY-MM-DDTHH:MM:SS[.fraction]Z` with the same second as the previous line.
    if (v.length >= 20 && v.charCodeAt(v.length - 1) === 90 /* Z */ && v.charCodeAt(19) !== 43) {
      const head = v.slice(0, 19);
      if (head === this.lastTimeText) {
        let ms = 0;
        if (v.charCodeAt(19) === 46 /* . */) {
          let scale = 100;
          for (let i = 20; i < v.length - 1 && scale >= 1; i++, scale /= 10) {
            const d = v.charCodeAt(i) - 48;
            if (d < 0 || d > 9) return slowTime(v);
            ms += d * scale;
          }
        } else if (v.length !== 20) return slowTime(v);
        return this.lastTimeMs + ms;
      }
      const base = Date.parse(`${head}Z`);
      if (!Number.isNaN(base)) {
        const t = slowTime(v);
        if (t !== null) {
          this.lastTimeText = head;
          this.lastTimeMs = base;
        }
        return t;
      }
    }
    return slowTime(v);
  }

  finish(): LineOutcome {
    return none();
  }
}

function slowTime(v: string): number | null {
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

function lostEvents(lost: unknown, lineNo: number): LineOutcome {
  if (!isObject(lost)) return fail(lineNo, 'lost_events', 'expected an object');
  const raw = lost['num_events_lost'] ?? lost['numEventsLost'];
  const n = readUint(raw);
  if (n === null) return fail(lineNo, 'lost_events.num_events_lost', `not a count: ${short(raw)}`);
  return { flows: [], lostEvents: n ?? 0 };
}

function ipText(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

/** Relay prefixes node names with the cluster: `cluster/node`. */
function clusterOfNode(node: string | null): string | null {
  if (node === null) return null;
  const slash = node.indexOf('/');
  return slash > 0 ? node.slice(0, slash) : null;
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Creates a streaming Hubble parser.
 * @example
 * const p = createHubbleParser({ cluster: 'prod' });
 * const { flows, error } = p.parseLine(line, 1);
 */
export function createHubbleParser(options: ParserOptions): FlowParser {
  return new HubbleParser(options);
}
