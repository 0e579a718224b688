/**
 * Reading flows back: raw events with filters and cursor pagination, and the per-namespace
 * allowed/denied summary from rollups. Used by `netsec flows`, `netsec summary` and the HTTP API.
 */
import { CONFIG_DEFAULTS } from '../api/config-schema.js';
import {
  type CounterSum,
  type FlowQuery,
  parseTimeSpec,
  type SummaryQuery,
  type SummaryReply,
  type SummaryRow,
  type VerdictCounters,
} from '../api/query-schema.js';
import { SOURCE_CAPABILITIES, type SourceFormat } from '../domain/flow.js';
import { DAY_MS, parseDuration } from '../domain/time.js';
import { type SearchedPage, searchFlows } from '../store/flow-search.js';
import type { FlowFilter, FlowStore, RollupRow, StoredFlow } from '../store/flow-store.js';

export type { FlowPage, StoredFlow } from '../store/flow-store.js';
export { InvalidQueryError } from '../store/flow-store.js';

export const DEFAULT_PAGE_SIZE = 100;

/** How far a long search has come: every event from `searchedTo` up to `top` was searched. */
export interface SearchProgress {
  searchedTo: number;
  /** The window's start, or null for a search back to the epoch. */
  from: number | null;
  top: number;
  /** Rows found so far. */
  rows: number;
}

const SUMMARY_DEFAULT_MS = DAY_MS;

function range(
  q: { since?: string; from?: string; to?: string },
  now: number,
): {
  from?: number;
  to?: number;
} {
  if (q.since) return { from: now - (parseDuration(q.since.replace(/^-/, '')) ?? 0), to: now + 1 };
  const out: { from?: number; to?: number } = {};
  if (q.from) out.from = parseTimeSpec(q.from, now) ?? undefined;
  if (q.to) out.to = parseTimeSpec(q.to, now) ?? undefined;
  return out;
}

/** Turns validated query parameters into a store filter, resolving relative times against `now`. */
export function toFlowFilter(q: FlowQuery, now: number): FlowFilter {
  const f: FlowFilter = { ...range(q, now) };
  if (q.cluster) f.cluster = q.cluster;
  if (q.namespace) f.namespace = q.namespace;
  if (q.workload) f.workload = q.workload;
  if (q.pod) f.pod = q.pod;
  if (q.ip) f.ip = q.ip;
  if (q.port !== undefined) f.port = q.port;
  if (q.protocol) f.protocol = q.protocol;
  if (q.verdict) f.verdict = q.verdict;
  if (q.direction) f.direction = q.direction;
  if (q.reason) f.reason = q.reason;
  if (q.policy) f.policy = q.policy;
  if (q.source) f.source = q.source;
  return f;
}

function emptyCounters(): VerdictCounters {
  const c = (): CounterSum => ({ value: 0, partial: false });
  return { flows: c(), packets: c(), bytes: c() };
}

/**
 * 0 when no row had this verdict; null when rows did but none reported the counter; else the
 * sum of the reported values, `partial` when some rows did not report it.
 */
const sawNull = new WeakSet<CounterSum>();
const sawValue = new WeakSet<CounterSum>();
function addCounter(sum: CounterSum, v: number | null): void {
  if (v === null) {
    sawNull.add(sum);
    if (!sawValue.has(sum)) sum.value = null;
  } else {
    sawValue.add(sum);
    sum.value = (sum.value ?? 0) + v;
  }
  sum.partial = sawValue.has(sum) && sawNull.has(sum);
}

export class QueryService {
  /**
   * @param rollup1mKeepMs how long 1-minute rollups are kept: older ranges read 1-hour rollups.
   * @param flowSearchMs how long one page of `flows` searches before it answers with what it
   *   has (`server.flowSearchMs`).
   */
  constructor(
    private readonly store: FlowStore,
    private readonly now: () => number = Date.now,
    private readonly rollup1mKeepMs: number = 35 * DAY_MS,
    private readonly flowSearchMs: number = CONFIG_DEFAULTS.server.flowSearchMs,
  ) {}

  /**
   * One page of raw events, newest first (the store's order), searched in time slices for about
   * `flowSearchMs`: a page may then be short, even empty, with `next` set and `searchedTo`
   * saying how far back it got.
   */
  flows(q: FlowQuery): Promise<SearchedPage> {
    const now = this.now();
    return searchFlows(
      this.store,
      toFlowFilter(q, now),
      { limit: q.limit ?? DEFAULT_PAGE_SIZE, cursor: q.cursor ?? null },
      this.flowSearchMs,
      { top: now },
    );
  }

  /**
   * Every matching raw event up to `max`, page by page, for CLI output. The pages are searched in
   * time slices like `flows`; `onProgress` hears how far back the search has come each time a
   * page ran out of its budget before it was full.
   */
  async *allFlows(
    q: FlowQuery,
    max: number,
    onProgress?: (progress: SearchProgress) => void,
  ): AsyncGenerator<StoredFlow> {
    const now = this.now();
    const filter = toFlowFilter(q, now);
    let cursor: string | null = q.cursor ?? null;
    let left = max;
    let rows = 0;
    while (left > 0) {
      const page = await searchFlows(
        this.store,
        filter,
        { limit: Math.min(left, 1000), cursor },
        this.flowSearchMs,
        { top: now },
      );
      for (const f of page.flows) yield f;
      left -= page.flows.length;
      rows += page.flows.length;
      // A short page with a cursor is not the end: the search goes on below `searchedTo`.
      if (!page.next) return;
      if (page.searchedTo !== null) {
        onProgress?.({
          searchedTo: page.searchedTo,
          from: filter.from ?? null,
          top: filter.to ?? now,
          rows,
        });
      }
      cursor = page.next;
    }
  }

  /**
   * Allowed, denied and audit counters per deciding namespace and direction, from rollups.
   * A counter no source in the range reports stays null; `notReported` says which sources lack what.
   */
  async summary(q: SummaryQuery): Promise<SummaryReply> {
    const now = this.now();
    const r = range(q, now);
    const from = r.from ?? now - SUMMARY_DEFAULT_MS;
    const to = r.to ?? now + 1;
    const resolution = to - from > 2 * DAY_MS || from < now - this.rollup1mKeepMs ? '1h' : '1m';
    const rows = await this.store.queryRollups({
      resolution,
      from,
      to,
      ...(q.cluster ? { cluster: q.cluster } : {}),
      ...(q.namespace ? { namespace: q.namespace } : {}),
      groupBy: ['srcNamespace', 'dstNamespace', 'direction', 'verdict', 'source'],
      limit: 100_000,
    });
    return { from, to, resolution, rows: foldSummary(rows), notReported: notReported(rows) };
  }
}

function foldSummary(rows: readonly RollupRow[]): SummaryRow[] {
  const byKey = new Map<string, SummaryRow>();
  for (const r of rows) {
    const direction = r.direction ?? 'unknown';
    const namespace = (direction === 'egress' ? r.srcNamespace : r.dstNamespace) ?? null;
    const key = `${namespace ?? ''}\u0000${direction}`;
    let row = byKey.get(key);
    if (!row) {
      row = {
        namespace,
        direction,
        allowed: emptyCounters(),
        denied: emptyCounters(),
        audit: emptyCounters(),
      };
      byKey.set(key, row);
    }
    const c = row[r.verdict ?? 'allowed'];
    addCounter(c.flows, r.flows);
    addCounter(c.packets, r.packets);
    addCounter(c.bytes, r.bytes);
  }
  return [...byKey.values()].sort(
    (a, b) =>
      (a.namespace ?? '\uffff').localeCompare(b.namespace ?? '\uffff') ||
      a.direction.localeCompare(b.direction),
  );
}

function notReported(rows: readonly RollupRow[]): SummaryReply['notReported'] {
  const sources = new Set(rows.map((r) => r.source).filter((s): s is SourceFormat => !!s));
  const out: SummaryReply['notReported'] = [];
  for (const s of [...sources].sort()) {
    const caps = SOURCE_CAPABILITIES[s];
    const missing = (['flows', 'packets', 'bytes'] as const).filter((k) => !caps[k]);
    if (missing.length > 0) out.push({ source: s, counters: missing });
  }
  return out;
}
