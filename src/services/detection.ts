/**
 * Detection use case: runs the detectors over a time range, reconciles their drafts with the
 * stored findings (same key → same finding, extended) and stores the result.
 * @example
 * const run = await detectRange({ store, findings: findingStoreFor(store) }, { from, to });
 * for (const f of run.findings) console.log(f.type, f.explanation);
 */
import { getHeapStatistics } from 'node:v8';

import { detectAllowed } from '../domain/detect/allowed.js';
import { VersionTracker } from '../domain/detect/changes.js';
import { DeniedSources, detectDeniedSource } from '../domain/detect/denied.js';
import type { FindingDraft } from '../domain/detect/draft.js';
import type { Finding } from '../domain/detect/finding.js';
import { normaliseWorkload } from '../domain/detect/names.js';
import { type DetectOptions, resolveDetectOptions } from '../domain/detect/options.js';
import { consolidate, reconcile } from '../domain/detect/reconcile.js';
import type { FindingStore } from '../store/finding-store.js';
import type { FlowStore } from '../store/flow-store.js';
import {
  forEachRawEventPage,
  HistoryMemo,
  loadAllowedSeries,
  loadAmplificationRatios,
} from './detection-load.js';
import { pacer } from './pacer.js';

export interface DetectionDeps {
  store: FlowStore;
  findings: FindingStore;
  options?: DetectOptions;
  now?: () => number;
}

export interface DetectRangeOptions {
  /** Store the findings (default true). False: compute and return only. */
  persist?: boolean;
  /** Time that counts as "now" for closing findings; default the clock. */
  now?: number;
  /** Most denied raw events held (the newest); default MAX_DENIED_EVENTS. */
  maxDeniedEvents?: number;
  /**
   * End of the denied events read, when later than `to`: denials need no closed step, so the
   * scheduler reads them up to the moment of the run and a scan shows within a run, not after
   * the step closes. Default `to`.
   */
  deniedTo?: number;
  /**
   * The allowed-traffic part of the last run, kept by the caller between runs. A run over the
   * same window reuses it instead of reading and computing it again (see `AllowedMemo`).
   */
  allowedMemo?: AllowedMemo;
}

/**
 * The allowed-traffic drafts of one window. Allowed traffic is read up to the last closed step
 * only, so every run within a step (the scheduler runs every 30–60 s, a step is 15 minutes)
 * would read the same rows and compute the same drafts: the memo keeps them for the window.
 * Data that arrives late for a closed step is seen by the first run of the next step, as
 * before it was seen by the next run: staleness stays within one step. The memo also keeps
 * the whole past days of hourly history (`history`), which the next windows share.
 */
export class AllowedMemo {
  readonly history = new HistoryMemo();
  private window: { from: number; to: number } | null = null;
  private drafts: FindingDraft[] = [];
  private series = 0;

  /** Copies of the drafts for the window (runs change drafts they are given), or null. */
  get(range: { from: number; to: number }): { drafts: FindingDraft[]; series: number } | null {
    if (this.window?.from !== range.from || this.window.to !== range.to) return null;
    return { drafts: structuredClone(this.drafts), series: this.series };
  }

  set(range: { from: number; to: number }, drafts: readonly FindingDraft[], series: number): void {
    this.window = { from: range.from, to: range.to };
    this.drafts = structuredClone([...drafts]);
    this.series = series;
  }
}

export interface DetectRangeResult {
  from: number;
  to: number;
  /** Findings created or changed by this run (with ids and status). */
  findings: Finding[];
  deniedEvents: number;
  /**
   * True when the window held more than the run's cap of denied raw events: it looked at the
   * newest ones only.
   */
  truncated: boolean;
  series: number;
  /** True when the allowed-traffic part came from `allowedMemo` (the same window as before). */
  allowedReused: boolean;
  /** Days of hourly history and their bins that `allowedMemo` holds after the run, or null. */
  historyKept: { days: number; bins: number } | null;
  elapsedMs: number;
  /** Milliseconds per step of the run, for the log and for finding slow steps. */
  phases: DetectPhases;
  /** Heap in use, MB, on the thread that computed the run, at its end. */
  heapUsedMb: number;
}

export interface DetectPhases {
  /** Reading the denied raw events and the version table, and the denied detectors. */
  denied: number;
  /** Reading the rollup series and ratios, and the allowed-traffic detectors. */
  allowed: number;
  /** Dominant external peers of exfiltration and amplification drafts (raw events). */
  peers: number;
  /** Loading the stored findings of the drafts' keys and reconciling with them. */
  reconcile: number;
  /** Storing the findings and closing stale ones. */
  persist: number;
}

const KEY_CHUNK = 500;
/** How far before the window the recent steps (1-minute tier) are read. */
const STEP_LOOKBACK_MS = 2 * 3_600_000;
/** Longest stretch a run computes without yielding to the event loop. */
const SLICE_MS = 20;
/**
 * How far before the window versions are read: a rollout's old version may have been last
 * seen before the window opened.
 */
const VERSION_LOOKBACK_MS = 24 * 3_600_000;
/**
 * Most denied raw events one run holds in memory (about 2 KB each: 50 MB for 25,000). Reading
 * them is most of a run's time under a flood of denials, and a flood is found from its newest
 * 25,000 events as well as from more.
 */
export const MAX_DENIED_EVENTS = 25_000;

/** Fills an exfiltration or amplification peer with the dominant external IP from raw events. */
async function dominantPeers(store: FlowStore, drafts: FindingDraft[]): Promise<void> {
  for (const d of drafts) {
    if ((d.type !== 'exfiltration' && d.type !== 'amplification') || d.subject.namespace === null)
      continue;
    const weight = new Map<string, number>();
    const filter = {
      from: d.start,
      to: d.end,
      namespace: [d.subject.namespace],
      verdict: ['allowed' as const],
    };
    await forEachRawEventPage(store, filter, (events) => {
      for (const f of events) {
        const [mine, other] = f.src.kind === 'external' ? [f.dst, f.src] : [f.src, f.dst];
        if (other.kind !== 'external' || other.ip === null) continue;
        if (normaliseWorkload(mine.workload?.name ?? mine.pod) !== d.subject.workload) continue;
        weight.set(other.ip, (weight.get(other.ip) ?? 0) + (f.flows ?? 1) * f.sampleWeight);
      }
    });
    const total = [...weight.values()].reduce((a, b) => a + b, 0);
    const top = [...weight.entries()].sort((a, b) => b[1] - a[1])[0];
    if (top && top[1] >= total / 2) {
      const before = d.subject.peer;
      d.subject = { ...d.subject, peer: top[0] };
      if (before !== null) d.explanation = d.explanation.split(` ${before} `).join(` ${top[0]} `);
      d.samples = [...d.samples, `external address ${top[0]}`];
    }
  }
}

async function existingFor(
  findings: FindingStore,
  keys: string[],
  since: number,
): Promise<Finding[]> {
  const out: Finding[] = [];
  for (let i = 0; i < keys.length; i += KEY_CHUNK) {
    out.push(
      ...(await findings.listFindings({
        keys: keys.slice(i, i + KEY_CHUNK),
        from: since,
        limit: 10_000,
      })),
    );
  }
  return out;
}

/** How long a finding stays open without new activity. */
function closeAfterMs(o: DetectOptions): number {
  return Math.max(o.denied.episodeGapMs, 2 * o.allowed.stepMs);
}

/**
 * Stores a run's findings and closes the open ones that have gone quiet: the step of
 * `detectRange` that writes, for runs computed elsewhere (`persist: false`, e.g. on the
 * detection thread).
 */
export async function persistFindings(
  store: FindingStore,
  findings: readonly Finding[],
  now: number,
  o: DetectOptions,
): Promise<void> {
  await store.upsertFindings(findings);
  await store.closeStale(now, closeAfterMs(o));
}

/**
 * Runs every detector over [from, to). Denied traffic comes from raw denied events, allowed
 * traffic from the rollup tiers (history from `from - baseline`).
 */
export async function detectRange(
  deps: DetectionDeps,
  range: { from: number; to: number },
  options: DetectRangeOptions = {},
): Promise<DetectRangeResult> {
  const started = performance.now();
  // The run shares the main thread with requests and ingest: it yields every SLICE_MS.
  const pace = pacer(SLICE_MS);
  let mark = started;
  const lap = (): number => {
    const t = performance.now();
    const ms = t - mark;
    mark = t;
    return ms;
  };
  const o = deps.options ?? resolveDetectOptions();
  const now = options.now ?? (deps.now ?? Date.now)();
  // Denied raw events are read a page at a time, newest first, and at most MAX_DENIED_EVENTS
  // of them are kept (the newest), so a flood of denials cannot exhaust the server's memory.
  // Allowed raw events are not read at all: versions come from the store's version table
  // (docs/detection.md).
  const maxDenied = options.maxDeniedEvents ?? MAX_DENIED_EVENTS;
  const sources = new DeniedSources();
  let deniedEvents = 0;
  let truncated = false;
  const deniedTo = Math.max(range.to, options.deniedTo ?? range.to);
  const deniedFilter = { from: range.from, to: deniedTo, verdict: ['denied' as const] };
  await forEachRawEventPage(deps.store, deniedFilter, (page) => {
    const room = maxDenied - deniedEvents;
    truncated = page.length > room;
    const kept = truncated ? page.slice(0, room) : page;
    sources.add(kept);
    deniedEvents += kept.length;
    return !truncated;
  });
  const versions = new VersionTracker();
  versions.addSightings(
    await deps.store.queryWorkloadVersions({
      from: range.from - VERSION_LOOKBACK_MS,
      to: deniedTo,
    }),
  );
  const changes = versions.lookup();
  const deniedDrafts: FindingDraft[] = [];
  for (const list of sources.lists()) {
    deniedDrafts.push(...detectDeniedSource(list, o.denied, changes));
    await pace();
  }
  const deniedMs = lap();
  const memo = options.allowedMemo;
  const reused = memo?.get(range) ?? null;
  let allowed = reused;
  if (!allowed) {
    const builder = await loadAllowedSeries(deps.store, range, o.allowed, {
      stepLookbackMs: STEP_LOOKBACK_MS,
      pace,
      history: memo?.history,
      now,
    });
    const ratios = await loadAmplificationRatios(deps.store, range, o.allowed);
    const series = builder.finish();
    allowed = { drafts: detectAllowed(series, range, o.allowed, ratios), series: series.length };
    memo?.set(range, allowed.drafts, allowed.series);
  }
  const allowedDrafts = allowed.drafts;
  const allowedMs = lap();
  const drafts = consolidate([...deniedDrafts, ...allowedDrafts]);
  await dominantPeers(deps.store, drafts);
  const peersMs = lap();
  const gap = Math.max(o.reopenGapMs, o.attackReopenGapMs);
  const keys = [...new Set(drafts.map((d) => d.key))];
  const existing = await existingFor(deps.findings, keys, range.from - gap);
  const findings = reconcile(drafts, existing, now, o, closeAfterMs(o));
  const reconcileMs = lap();
  if (options.persist ?? true) await persistFindings(deps.findings, findings, now, o);
  const persistMs = lap();
  return {
    from: range.from,
    to: range.to,
    findings: findings.sort((a, b) => a.start - b.start),
    deniedEvents,
    truncated,
    series: allowed.series,
    allowedReused: reused !== null,
    historyKept: memo ? { days: memo.history.size, bins: memo.history.held.bins } : null,
    elapsedMs: performance.now() - started,
    phases: {
      denied: deniedMs,
      allowed: allowedMs,
      peers: peersMs,
      reconcile: reconcileMs,
      persist: persistMs,
    },
    heapUsedMb: Math.round(getHeapStatistics().used_heap_size / 1_048_576),
  };
}
