/**
 * Source health for `GET /api/v1/sources`, the /sources page and the daily review: every
 * running source plugin (registered by whoever starts it) and every format that pushed batches
 * into the store, classified healthy / lagging / silent / failing / starting.
 */
import type { SourceHealthState, SourceStatus } from '../../api/source-schema.js';
import type { SourceHealthSnapshot } from '../../sources/source.js';
import type { SourceHealth } from '../../store/flow-store.js';
import type { GovernanceContext } from '../governance-context.js';

export type SourceHealthProvider = () => readonly SourceHealthSnapshot[];

export interface SourceHealthThresholds {
  /** No new data for this long: silent (default 15 min). */
  silentAfterMs: number;
  /** Data this far behind the clock when delivered: lagging (default 5 min). */
  laggingAboveMs: number;
}

export const DEFAULT_SOURCE_THRESHOLDS: SourceHealthThresholds = {
  silentAfterMs: 15 * 60_000,
  laggingAboveMs: 5 * 60_000,
};

interface Registered {
  provider: SourceHealthProvider;
  since: number;
}

// Keyed by the context, so features find the running sources without importing the server.
const providers = new WeakMap<GovernanceContext, Set<Registered>>();

/**
 * Makes running sources visible to `GET /api/v1/sources` and the review. Returns an unregister function.
 * @example registerSourceHealth(services.governance, () => runner.health());
 */
export function registerSourceHealth(
  ctx: GovernanceContext,
  provider: SourceHealthProvider,
): () => void {
  let set = providers.get(ctx);
  if (!set) providers.set(ctx, (set = new Set()));
  const entry = { provider, since: ctx.now() };
  set.add(entry);
  return () => set.delete(entry);
}

/** Snapshots of every registered running source. */
export function runningSourceHealth(ctx: GovernanceContext): SourceHealthSnapshot[] {
  return [...(providers.get(ctx) ?? [])].flatMap((r) => [...r.provider()]);
}

function classifyLive(
  s: SourceHealthSnapshot,
  since: number,
  now: number,
  t: SourceHealthThresholds,
): { health: SourceHealthState; reason: string } {
  if (s.state !== 'connected' && s.errors > 0)
    return {
      health: 'failing',
      reason: `${s.state} after ${s.errors} errors: ${s.lastError ?? ''}`,
    };
  if (s.state === 'stopped') return { health: 'failing', reason: 'stopped' };
  if (s.state === 'starting') {
    return now - since > t.silentAfterMs
      ? { health: 'silent', reason: 'never connected' }
      : { health: 'starting', reason: 'connecting' };
  }
  // A watch of a quiet cluster delivers nothing for hours; connected is all it can show.
  if (s.kind === 'kubernetes') return { health: 'healthy', reason: 'watching' };
  const last = s.lastDataAt ?? null;
  if (last === null ? now - since > t.silentAfterMs : now - last > t.silentAfterMs)
    return { health: 'silent', reason: last === null ? 'connected, no data yet' : 'no new data' };
  if (s.lagMs !== null && s.lagMs > t.laggingAboveMs)
    return { health: 'lagging', reason: `data arrives ${Math.round(s.lagMs / 1000)} s late` };
  return { health: 'healthy', reason: last === null ? 'connected' : 'data flowing' };
}

function fromSnapshot(
  s: SourceHealthSnapshot,
  since: number,
  now: number,
  t: SourceHealthThresholds,
): SourceStatus {
  return {
    name: s.name,
    kind: s.kind,
    ...classifyLive(s, since, now, t),
    connection: s.state,
    lastDataAt: s.lastDataAt,
    lastBatchAt: s.lastBatchAt,
    lagMs: s.lagMs,
    records: s.records,
    lostEvents: s.lostEvents,
    errors: s.errors,
    lastError: s.lastError,
    reconnects: s.reconnects,
  };
}

function fromStored(h: SourceHealth, now: number, t: SourceHealthThresholds): SourceStatus {
  const lag = h.lastDataAt === null ? null : Math.max(0, h.lastBatchAt - h.lastDataAt);
  const silent = now - h.lastBatchAt > t.silentAfterMs;
  const health: SourceHealthState = silent
    ? 'silent'
    : lag !== null && lag > t.laggingAboveMs
      ? 'lagging'
      : 'healthy';
  const reason = silent
    ? 'no batch received recently'
    : health === 'lagging'
      ? `batches carry data ${Math.round((lag ?? 0) / 1000)} s old`
      : 'batches arriving';
  return {
    name: `ingest:${h.source}`,
    kind: 'ingest',
    health,
    reason,
    connection: null,
    lastDataAt: h.lastDataAt,
    lastBatchAt: h.lastBatchAt,
    lagMs: lag,
    records: h.flowsTotal,
    lostEvents: h.lostEventsTotal,
    errors: null,
    lastError: null,
    reconnects: null,
  };
}

/** Every source's status: running plugins first, then formats seen in the store. */
export async function listSourceStatuses(
  ctx: GovernanceContext,
  thresholds: SourceHealthThresholds = DEFAULT_SOURCE_THRESHOLDS,
): Promise<SourceStatus[]> {
  const now = ctx.now();
  const live = [...(providers.get(ctx) ?? [])].flatMap((r) =>
    r.provider().map((s) => fromSnapshot(s, r.since, now, thresholds)),
  );
  const stored = (await ctx.store.sourceHealth()).map((h) => fromStored(h, now, thresholds));
  return [...live, ...stored];
}

export interface SourceHealthSummary {
  total: number;
  byHealth: Record<SourceHealthState, number>;
  /** Sources that are silent or failing: gaps in the evidence, one line each. */
  gaps: {
    name: string;
    kind: string;
    health: SourceHealthState;
    reason: string;
    lastDataAt: number | null;
  }[];
  /** Lost events reported by all sources (totals since they started). */
  lostEvents: number;
  /** True when nothing is silent or failing. */
  complete: boolean;
}

/**
 * The review's view of source health: silent and failing sources are evidence gaps.
 * @example const s = sourceHealthSummary(await listSourceStatuses(ctx)); if (!s.complete) …
 */
export function sourceHealthSummary(statuses: readonly SourceStatus[]): SourceHealthSummary {
  const byHealth: Record<SourceHealthState, number> = {
    healthy: 0,
    lagging: 0,
    silent: 0,
    failing: 0,
    starting: 0,
  };
  let lostEvents = 0;
  const gaps: SourceHealthSummary['gaps'] = [];
  for (const s of statuses) {
    byHealth[s.health]++;
    lostEvents += s.lostEvents;
    if (s.health === 'silent' || s.health === 'failing')
      gaps.push({
        name: s.name,
        kind: s.kind,
        health: s.health,
        reason: s.reason,
        lastDataAt: s.lastDataAt,
      });
  }
  return { total: statuses.length, byHealth, gaps, lostEvents, complete: gaps.length === 0 };
}

/** `sourceHealthSummary(await listSourceStatuses(ctx))` in one call. */
export async function sourceHealthSummaryFor(ctx: GovernanceContext): Promise<SourceHealthSummary> {
  return sourceHealthSummary(await listSourceStatuses(ctx));
}
