/**
 * Allowed volume per connection against its usual level. The usual level is the average
 * volume per window of the same length over the baseline period before the window (at least
 * seven days, or as much history as the store holds), so a 15-minute window is compared with
 * the average 15 minutes of the past week.
 */
import type { Metric, ScopeQuery, VolumeChange } from '../../api/dashboard-schema.js';
import type { Protocol } from '../../domain/flow.js';
import { DAY_MS, HOUR_MS } from '../../domain/time.js';
import type { RollupRow } from '../../store/flow-store.js';
import {
  type AccessScope,
  addCount,
  ALL_ROWS,
  type DashboardDeps,
  dstPeer,
  resolutionFor,
  scopedFilter,
  srcPeer,
} from './scope.js';

export const CONNECTION_KEY = [
  'cluster',
  'srcNamespace',
  'srcWorkload',
  'srcKind',
  'dstNamespace',
  'dstWorkload',
  'dstKind',
  'protocol',
  'port',
] as const;

/** Bytes where the group reports them, else flows, else packets: the label says which. */
export function unitOf(r: Pick<RollupRow, 'flows' | 'packets' | 'bytes'>): Metric {
  if (r.bytes !== null) return 'bytes';
  if (r.flows !== null) return 'flows';
  return 'packets';
}

function connKey(r: RollupRow): string {
  return JSON.stringify(CONNECTION_KEY.map((k) => r[k] ?? null));
}

export interface VolumeResult {
  rows: VolumeChange[];
  baselineFrom: number;
  baselineTo: number;
  /** Span of history the usual level really covers (ms); 0 without history. */
  baselineSpan: number;
}

/** Baselines cover whole hours, so one computed baseline serves every request in its hour. */
const BASELINE_TTL_MS = 10 * 60_000;
const baselines = new WeakMap<
  DashboardDeps,
  Map<string, { at: number; rows: Promise<RollupRow[]> }>
>();

export function cachedBaseline(
  deps: DashboardDeps,
  key: string,
  load: () => Promise<RollupRow[]>,
): Promise<RollupRow[]> {
  let m = baselines.get(deps);
  if (!m) baselines.set(deps, (m = new Map()));
  const now = deps.now();
  const hit = m.get(key);
  if (hit && now - hit.at >= 0 && now - hit.at < BASELINE_TTL_MS) return hit.rows;
  if (m.size > 200) m.clear();
  const rows = load();
  m.set(key, { at: now, rows });
  rows.catch(() => m.delete(key));
  return rows;
}

/** Sums rows (of a finer grouping) per connection; the key fields of each first row are kept. */
export function byConnection(rows: readonly RollupRow[]): RollupRow[] {
  const out = new Map<string, RollupRow>();
  for (const r of rows) {
    const key = connKey(r);
    const cur = out.get(key);
    if (!cur) {
      out.set(key, { ...r });
      continue;
    }
    cur.flows = addCount(cur.flows, r.flows);
    cur.packets = addCount(cur.packets, r.packets);
    cur.bytes = addCount(cur.bytes, r.bytes);
    cur.firstSeen = Math.min(cur.firstSeen, r.firstSeen);
    cur.lastSeen = Math.max(cur.lastSeen, r.lastSeen);
  }
  return [...out.values()];
}

/**
 * The period whose level counts as usual for a window: at least 7 days, or the window's length,
 * ending at the last full hour before the window (hourly rollups).
 */
export function baselineWindow(q: { from: number; to: number }): {
  baselineFrom: number;
  baselineTo: number;
} {
  const baselineTo = q.from - (q.from % HOUR_MS);
  const span = Math.max(7 * DAY_MS, Math.ceil((q.to - q.from) / HOUR_MS) * HOUR_MS);
  return { baselineFrom: baselineTo - span, baselineTo };
}

/**
 * `current`: the window's allowed rows when the caller has read them already (the overview
 * reads the window once for all its figures); any grouping finer than the connection works.
 */
export async function allowedVolume(
  deps: DashboardDeps,
  q: ScopeQuery,
  scope?: AccessScope,
  current?: readonly RollupRow[] | Promise<readonly RollupRow[]>,
): Promise<VolumeResult> {
  const window = q.to - q.from;
  const { baselineFrom, baselineTo } = baselineWindow(q);
  const base = scopedFilter(
    { cluster: q.cluster, namespace: q.namespace, verdict: ['allowed'] },
    scope,
  );
  if (!base) return { rows: [], baselineFrom, baselineTo, baselineSpan: 0 };
  const baselineQuery = {
    ...base,
    resolution: '1h' as const,
    from: baselineFrom,
    to: baselineTo,
    groupBy: [...CONNECTION_KEY],
    limit: ALL_ROWS,
  };
  const [now, past] = await Promise.all([
    current
      ? Promise.resolve(current).then(byConnection)
      : deps.store.queryRollups({
          ...base,
          resolution: resolutionFor(q.from, q.to),
          from: q.from,
          to: q.to,
          groupBy: [...CONNECTION_KEY],
          limit: ALL_ROWS,
        }),
    cachedBaseline(deps, JSON.stringify(baselineQuery), () =>
      deps.store.queryRollups(baselineQuery),
    ),
  ]);
  // The usual level covers only the history the store really holds (a young store has less
  // than the baseline period); the earliest hour seen bounds it.
  const earliest = past.reduce((m, r) => Math.min(m, r.firstSeen), baselineTo);
  const historyFrom = Math.max(baselineFrom, earliest - (earliest % HOUR_MS));
  const baselineSpan = Math.max(0, baselineTo - historyFrom);
  const usualBy = new Map(past.map((r) => [connKey(r), r]));
  const rows = now.map((r): VolumeChange => {
    const unit = unitOf(r);
    const cur = r[unit] ?? 0;
    const pastRow = usualBy.get(connKey(r));
    const usual =
      baselineSpan === 0
        ? null
        : ((pastRow?.[unit] ?? 0) * window) / Math.max(baselineSpan, window);
    return {
      cluster: r.cluster ?? '',
      src: srcPeer(r),
      dst: dstPeer(r),
      port: r.port ?? null,
      protocol: (r.protocol ?? 'other') as Protocol,
      unit,
      current: cur,
      usual,
      ratio: usual === null || usual === 0 ? null : cur / usual,
    };
  });
  return { rows, baselineFrom, baselineTo, baselineSpan };
}

/** Sorts by how far the volume is from its usual level, new connections first among equals. */
export function byChange(a: VolumeChange, b: VolumeChange): number {
  const score = (v: VolumeChange): number =>
    v.usual === null || v.usual === 0 ? Number.MAX_SAFE_INTEGER : Math.abs(Math.log(v.ratio ?? 1));
  return score(b) - score(a) || b.current - a.current;
}
