/**
 * Source specs → sources. A spec is a URL; its scheme picks the plugin and its query carries
 * the options (docs/sources.md lists them):
 * - `hubble-relay://relay:4245?tls=1&ca=…&cert=…&key=…&server-name=…&filter=policy|all&since=…`
 * - `goldmane://goldmane:7443?ca=…&cert=…&key=…` (TLS when any of them is set)
 * - `whisker+http://whisker:3002/flows` (or `whisker+https://…`)
 * - `file:///var/run/cilium/hubble/events.log?format=hubble&state=/path/offset.json`
 * - `accountant+http://10.0.0.5:9009/metrics?interval=30s`
 * - `promql+http://prometheus:9090?step=60s&match=cluster="prod"` (Prometheus, Thanos, Mimir)
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { INGEST_FORMATS, type IngestFormat } from '../formats/parser.js';
import { AccountantScrapeLiveSource } from './accountant-scrape-source.js';
import { FileTailSource } from './file-tail/file-tail-source.js';
import { goldmaneGrpcOpener } from './goldmane/goldmane-grpc.js';
import { GoldmaneStreamSource } from './goldmane/goldmane-source.js';
import { whiskerOpener } from './goldmane/whisker-sse.js';
import type { TlsOptions } from './grpc-load.js';
import { type HubbleFilter, HubbleRelaySource } from './hubble-relay/hubble-relay-source.js';
import { HUBBLE_CONTEXTS, type HubbleContext } from './promql/hubble-metrics.js';
import { PromqlAccountantSource } from './promql/promql-source.js';
import type { Source, SourceOptions } from './source.js';

export interface CreateSourceOptions extends SourceOptions {
  /** Where file tails keep their offsets when the spec names no `state`. */
  stateDir?: string;
}

export class SourceSpecError extends Error {}

/** `30s`, `5m`, `1500ms`, `2h` or a plain number of milliseconds. */
export function parseDurationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new SourceSpecError(`not a duration: ${JSON.stringify(text)}`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms'];
  const ms = Math.round(Number(m[1]) * unit);
  if (!Number.isSafeInteger(ms))
    throw new SourceSpecError(`duration too long: ${JSON.stringify(text)}`);
  return ms;
}

/** An RFC 3339 time, or a duration back from now (`15m`). */
function parseSince(text: string | null, now: () => number): number | null {
  if (text === null) return null;
  const t = Date.parse(text);
  if (!Number.isNaN(t)) return t;
  return now() - parseDurationMs(text);
}

function tlsFrom(q: URLSearchParams, forced: boolean): TlsOptions | null {
  const file = (k: string): Buffer | undefined => {
    const p = q.get(k);
    return p === null ? undefined : readFileSync(p);
  };
  const any = forced || ['ca', 'cert', 'key', 'server-name'].some((k) => q.has(k));
  const flag = q.get('tls');
  if (!any && flag !== '1' && flag !== 'true') return null;
  const tls: TlsOptions = {};
  const ca = file('ca');
  const cert = file('cert');
  const key = file('key');
  if (ca) tls.ca = ca;
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  const name = q.get('server-name');
  if (name) tls.serverName = name;
  return tls;
}

/** The spec without its query and credentials: a safe display name. */
export function sourceName(spec: string): string {
  try {
    const u = new URL(spec);
    u.username = '';
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return spec.split('?')[0] ?? spec;
  }
}

/**
 * Builds the source a spec names.
 * @example createSource('hubble-relay://hubble-relay.kube-system:80', { cluster: 'prod' })
 */
export function createSource(spec: string, opts: CreateSourceOptions): Source {
  let u: URL;
  try {
    u = new URL(spec);
  } catch {
    throw new SourceSpecError(`not a source URL: ${JSON.stringify(spec)}`);
  }
  const q = u.searchParams;
  const now = opts.now ?? Date.now;
  const name = sourceName(spec);
  const scheme = u.protocol.replace(/:$/, '');
  const hostPort = (def: number): string => `${u.hostname}:${u.port || def}`;
  switch (scheme) {
    case 'hubble-relay': {
      const filter = (q.get('filter') ?? 'policy') as HubbleFilter;
      if (filter !== 'policy' && filter !== 'all')
        throw new SourceSpecError('filter must be policy or all');
      return new HubbleRelaySource(name, {
        ...opts,
        address: hostPort(4245),
        tls: tlsFrom(q, false),
        filter,
        sinceMs: parseSince(q.get('since'), now),
      });
    }
    case 'goldmane': {
      const tls = tlsFrom(q, false);
      const g = goldmaneGrpcOpener(hostPort(7443), tls);
      return new GoldmaneStreamSource(name, 'goldmane', g.open, {
        ...opts,
        sinceMs: parseSince(q.get('since'), now),
        onStop: g.close,
      });
    }
    case 'whisker+http':
    case 'whisker+https': {
      const target = new URL(spec.replace(/^whisker\+/, ''));
      target.search = '';
      if (target.pathname === '/' || target.pathname === '') target.pathname = '/flows';
      return new GoldmaneStreamSource(name, 'whisker', whiskerOpener(target.toString()), {
        ...opts,
        sinceMs: parseSince(q.get('since'), now),
      });
    }
    case 'file': {
      const path = fileURLToPath(`file://${u.pathname}`);
      const format = (q.get('format') ?? 'hubble') as IngestFormat;
      if (!(INGEST_FORMATS as readonly string[]).includes(format))
        throw new SourceSpecError(`unknown format ${JSON.stringify(format)}`);
      const state =
        q.get('state') ??
        join(opts.stateDir ?? dirname(path), `.${basename(path)}.netsec-tail.json`);
      return new FileTailSource(name, {
        ...opts,
        path,
        statePath: state,
        format,
        fromStart: q.get('from') !== 'end',
      });
    }
    case 'accountant+http':
    case 'accountant+https': {
      const target = new URL(spec.replace(/^accountant\+/, ''));
      const interval = q.get('interval');
      target.searchParams.delete('interval');
      return new AccountantScrapeLiveSource(name, {
        ...opts,
        url: target.toString(),
        intervalMs: interval === null ? 30_000 : parseDurationMs(interval),
      });
    }
    case 'promql+http':
    case 'promql+https': {
      const target = new URL(spec.replace(/^promql\+/, ''));
      target.search = '';
      const dur = (k: string, def: number): number => {
        const v = q.get(k);
        return v === null ? def : parseDurationMs(v);
      };
      const matchers = q.get('match');
      // How Hubble's `source`/`destination` labels were configured (hubble-metrics.ts).
      const context = (k: string): HubbleContext | undefined => {
        const v = q.get(k);
        if (v === null) return undefined;
        if (!(HUBBLE_CONTEXTS as readonly string[]).includes(v))
          throw new SourceSpecError(
            `${k}=${JSON.stringify(v)}: expected one of ${HUBBLE_CONTEXTS.join(', ')}`,
          );
        return v as HubbleContext;
      };
      const hubbleSource = context('hubble-source');
      const hubbleDestination = context('hubble-destination');
      return new PromqlAccountantSource(name, {
        ...opts,
        url: target.toString(),
        stepMs: dur('step', 60_000),
        intervalMs: dur('interval', dur('step', 60_000)),
        delayMs: dur('delay', 60_000),
        lookbackMs: dur('lookback', 3_600_000),
        sinceMs: parseSince(q.get('since'), now),
        ...(matchers ? { matchers } : {}),
        ...(hubbleSource || hubbleDestination
          ? {
              hubbleContext: {
                ...(hubbleSource ? { source: hubbleSource } : {}),
                ...(hubbleDestination ? { destination: hubbleDestination } : {}),
              },
            }
          : {}),
      });
    }
    default:
      throw new SourceSpecError(
        `unknown source scheme ${JSON.stringify(scheme)}; use hubble-relay://, goldmane://, whisker+http://, file://, accountant+http:// or promql+http://`,
      );
  }
}
