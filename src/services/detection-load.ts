/**
 * What detection reads: raw denied events (always kept), a namespace's or a port's sampled
 * allowed events (to name an external peer), and the rollup tiers for allowed traffic (1-hour
 * for the usual level, 1-minute for recent steps), binned per connection. Never a scan of
 * every raw allowed flow.
 */
import { ratioKey } from '../domain/detect/allowed.js';
import {
  type AllowedBin,
  type AllowedKey,
  SeriesBuilder,
} from '../domain/detect/allowed-series.js';
import { normaliseWorkload } from '../domain/detect/names.js';
import type { AllowedDetectOptions } from '../domain/detect/options.js';
import { SOURCE_FORMATS } from '../domain/flow.js';
import type {
  FlowFilter,
  FlowStore,
  RollupKeyField,
  RollupResolution,
  RollupRow,
  StoredFlow,
} from '../store/flow-store.js';
import { ROLLUP_BUCKET_MS } from '../store/flow-store.js';

/**
 * Raw events per page. Small enough that taking one page on the main thread (a copy from the
 * read worker) stays a short slice of time: about 20 ms for 2,000 events.
 */
const PAGE = 2_000;
const MAX_ROWS = 100_000;
const HOUR = 3_600_000;

/**
 * The raw events matching `filter`, newest first, a page at a time: only the current page is
 * held, so a traffic burst in the window does not become a burst of memory. `onPage` returns
 * false to stop early.
 */
export async function forEachRawEventPage(
  store: FlowStore,
  filter: FlowFilter,
  onPage: (events: readonly StoredFlow[]) => boolean | void,
): Promise<void> {
  let cursor: string | null = null;
  do {
    const page = await store.queryFlows(filter, { limit: PAGE, cursor });
    if (onPage(page.flows) === false) return;
    cursor = page.next;
  } while (cursor);
}

// The connection key; the buckets come back summed per step (`binStepMs`), one row per key.
const GROUP: RollupKeyField[] = [
  'cluster',
  'srcNamespace',
  'srcWorkload',
  'srcKind',
  'dstNamespace',
  'dstWorkload',
  'dstKind',
  'protocol',
  'port',
  'source',
];
// calico-accountant counters carry no peer: they cannot be keyed per connection.
const SOURCES = SOURCE_FORMATS.filter((s) => s !== 'accountant');

/**
 * Allowed traffic per connection key in [from, to) (buckets that start there), summed per
 * `stepMs` by the database: one row per key and chunk, not one per key and bucket. Chunks
 * that hit the row limit are split in time.
 */
async function binnedRows(
  store: FlowStore,
  resolution: RollupResolution,
  from: number,
  to: number,
  chunkMs: number,
  stepMs: number,
  onRows: (rows: readonly RollupRow[]) => Promise<void>,
): Promise<void> {
  const size = ROLLUP_BUCKET_MS[resolution];
  const run = async (a: number, b: number): Promise<void> => {
    // Buckets that start in [a, b): the store's filter takes buckets overlapping [from, to).
    const rows = await store.queryRollups({
      resolution,
      from: a + size - 1,
      to: b,
      verdict: ['allowed'],
      source: SOURCES,
      groupBy: GROUP,
      binStepMs: stepMs,
      limit: MAX_ROWS,
    });
    if (rows.length >= MAX_ROWS && b - a > stepMs) {
      const mid = a + Math.floor((b - a) / 2 / stepMs) * stepMs;
      await run(a, mid);
      await run(mid, b);
      return;
    }
    await onRows(rows);
  };
  const start = from - (from % stepMs);
  for (let a = start; a < to; a += chunkMs) await run(a, Math.min(to, a + chunkMs));
}

const DAY = 24 * HOUR;
/** How long a day of hourly history read for one run is reused by the next ones. */
export const HISTORY_MEMO_MAX_AGE_MS = 6 * HOUR;
/**
 * Most hourly bins the memo keeps, over all its days: 24 bytes each, so 2,000,000 bins is
 * about 48 MB, with the key fields kept once per connection. A day that would go beyond is not
 * kept, and is read again by every run that needs it.
 */
export const HISTORY_MEMO_MAX_BINS = 2_000_000;

/** One UTC day of the 1-hour tier, binned per connection key, packed. */
interface KeptDay {
  /** The connection keys, one per row, shared between days. */
  keys: AllowedKey[];
  /** Row i's bins are `bins[3 * ends[i - 1] ..< 3 * ends[i]]` (start, flows, bytes; NaN: null). */
  ends: Uint32Array;
  bins: Float64Array;
  readAt: number;
}

const keyText = (r: RollupRow): string =>
  JSON.stringify(GROUP.map((f) => (r as unknown as Record<string, unknown>)[f] ?? null));

/**
 * Days of the 1-hour tier's binned rows, kept between detection runs. The usual level of a
 * step looks 28 days back, and its window moves by one step (15 minutes) at a time: without
 * this, the first run of every step read all 28 days again, 29 reads of the whole history.
 * Only whole UTC days that ended before the run's window are kept, and each is read again
 * once it is `maxAgeMs` old, so traffic that arrives late for a past day (a collector that
 * buffered an outage) enters the baseline within that time. Days are packed (numbers in typed
 * arrays, each connection key once) and held to `maxBins` in all.
 */
export class HistoryMemo {
  private readonly days = new Map<number, KeptDay>();
  private readonly keys = new Map<string, AllowedKey>();
  private binCount = 0;

  constructor(
    private readonly maxAgeMs = HISTORY_MEMO_MAX_AGE_MS,
    private readonly maxBins = HISTORY_MEMO_MAX_BINS,
  ) {}

  /** Whether the day starting at `day` is held and was read less than `maxAgeMs` before `now`. */
  has(day: number, now: number): boolean {
    const hit = this.days.get(day);
    return hit !== undefined && now >= hit.readAt && now - hit.readAt < this.maxAgeMs;
  }

  /**
   * Calls `fn` once per connection key of the kept `days` (see `has`), with the key's bins of
   * all of them: one call per key, not per key and day. Keys come in the order they first
   * appear, day by day, as reading the days one after the other gives them.
   */
  async forEachKey(
    days: readonly number[],
    fn: (key: AllowedKey, bins: AllowedBin[]) => Promise<void> | void,
  ): Promise<void> {
    const byKey = new Map<AllowedKey, AllowedBin[]>();
    for (const day of days) {
      const d = this.days.get(day);
      if (!d) continue;
      let from = 0;
      for (let i = 0; i < d.keys.length; i++) {
        const key = d.keys[i] as AllowedKey;
        const to = d.ends[i] ?? from;
        let bins = byKey.get(key);
        if (!bins) byKey.set(key, (bins = []));
        for (let j = from; j < to; j++) {
          const flows = d.bins[3 * j + 1] ?? Number.NaN;
          const bytes = d.bins[3 * j + 2] ?? Number.NaN;
          bins.push({
            start: d.bins[3 * j] ?? 0,
            flows: Number.isNaN(flows) ? null : flows,
            bytes: Number.isNaN(bytes) ? null : bytes,
          });
        }
        from = to;
      }
    }
    for (const [key, bins] of byKey) await fn(key, bins);
  }

  /** Keeps the rows of the day starting at `day`, read at `now`, unless over `maxBins`. */
  set(day: number, rows: readonly RollupRow[], now: number): void {
    this.drop(day);
    let n = 0;
    for (const r of rows) n += r.bins?.length ?? 0;
    if (this.binCount + n > this.maxBins) return;
    const keys: AllowedKey[] = [];
    const ends = new Uint32Array(rows.length);
    const bins = new Float64Array(3 * n);
    let j = 0;
    rows.forEach((r, i) => {
      const text = keyText(r);
      let key = this.keys.get(text);
      if (!key) {
        key = Object.fromEntries(
          GROUP.map((f) => [f, (r as unknown as Record<string, unknown>)[f] ?? null]),
        ) as unknown as AllowedKey;
        this.keys.set(text, key);
      }
      keys.push(key);
      for (const b of r.bins ?? []) {
        bins[3 * j] = b.start;
        bins[3 * j + 1] = b.flows ?? Number.NaN;
        bins[3 * j + 2] = b.bytes ?? Number.NaN;
        j++;
      }
      ends[i] = j;
    });
    this.days.set(day, { keys, ends, bins, readAt: now });
    this.binCount += n;
  }

  /**
   * Forgets the days that start before `from` (the baseline no longer reaches them whole),
   * and the keys that only they held.
   */
  prune(from: number): void {
    let dropped = false;
    for (const day of [...this.days.keys()]) {
      if (day < from) {
        this.drop(day);
        dropped = true;
      }
    }
    if (!dropped) return;
    const live = new Set<AllowedKey>();
    for (const d of this.days.values()) for (const k of d.keys) live.add(k);
    for (const [text, k] of this.keys) if (!live.has(k)) this.keys.delete(text);
  }

  /** Days held. */
  get size(): number {
    return this.days.size;
  }

  /** Bins held over all days, and distinct connection keys. */
  get held(): { bins: number; keys: number } {
    return { bins: this.binCount, keys: this.keys.size };
  }

  private drop(day: number): void {
    const d = this.days.get(day);
    if (!d) return;
    this.binCount -= d.bins.length / 3;
    this.days.delete(day);
  }
}

/** Options of `loadAllowedSeries` beyond the window and the detection options. */
export interface LoadAllowedOptions {
  /** How far before the window the recent steps are read from the 1-minute tier. */
  stepLookbackMs: number;
  /** Yields to the event loop now and then. */
  pace?: () => Promise<void>;
  /** Days of history kept from earlier runs, reused and filled by this one. */
  history?: HistoryMemo;
  /** The run's clock, for the age of what `history` holds. */
  now?: number;
}

/** Series for the allowed-traffic detectors: history from the 1-hour tier, steps from the 1-minute tier. */
export async function loadAllowedSeries(
  store: FlowStore,
  window: { from: number; to: number },
  o: AllowedDetectOptions,
  load: LoadAllowedOptions,
): Promise<SeriesBuilder> {
  const pace = load.pace ?? (async () => undefined);
  const builder = new SeriesBuilder(o.stepMs);
  const addAll = (tier: 'hour' | 'step') => async (rows: readonly RollupRow[]) => {
    for (const r of rows) {
      builder.addBins(r as unknown as AllowedKey, r.bins ?? [], tier);
      await pace();
    }
  };
  // History by the hour, a UTC day per read (whole days that ended before the window from the
  // memo); the recent steps from the 1-minute tier, summed into steps by the database, in one read.
  const histFrom = window.from - o.baselineMs;
  const histStart = histFrom - (histFrom % HOUR);
  const memo = load.history;
  const now = load.now ?? Date.now();
  memo?.prune(histStart);
  // Runs of kept days are added key by key (a key's bins of all of them at once).
  let kept: number[] = [];
  const addKept = async (): Promise<void> => {
    await memo?.forEachKey(kept, async (key, bins) => {
      builder.addBins(key, bins, 'hour');
      await pace();
    });
    kept = [];
  };
  for (let a = histStart; a < window.to;) {
    const day = a - (a % DAY);
    const b = Math.min(window.to, day + DAY);
    const whole = a === day && b === day + DAY && b <= window.from;
    if (whole && memo?.has(day, now)) kept.push(day);
    else {
      await addKept();
      const rows: RollupRow[] = [];
      await binnedRows(store, '1h', a, b, DAY, HOUR, async (part) => {
        if (whole && memo) for (const r of part) rows.push(r);
        await addAll('hour')(part);
      });
      if (whole && memo) memo.set(day, rows, now);
    }
    a = b;
  }
  await addKept();
  const stepFrom = window.from - load.stepLookbackMs;
  const stepStart = stepFrom - (stepFrom % o.stepMs);
  await binnedRows(
    store,
    '1m',
    stepStart,
    window.to,
    window.to - stepStart,
    o.stepMs,
    addAll('step'),
  );
  return builder;
}

/**
 * Reply/request byte ratios of UDP flows from external peers on amplification ports, from
 * raw events whose source reports both directions (sampled allowed events suffice: a ratio).
 * The database sums them per workload and port in one pass over the window: reading the
 * events themselves, a port at a time, took most of a run's allowed-traffic step.
 */
export async function loadAmplificationRatios(
  store: FlowStore,
  window: { from: number; to: number },
  o: AllowedDetectOptions,
): Promise<Map<string, number>> {
  const rows = await store.queryReplyBytes({
    from: window.from,
    to: window.to,
    protocol: 'UDP',
    ports: o.amplificationPorts,
  });
  // Pod names without a workload fold into their workload's name here, so several rows can
  // make one key.
  const sums = new Map<string, { out: number; in: number }>();
  for (const r of rows) {
    const k = ratioKey(r.cluster, `${r.namespace}/${normaliseWorkload(r.workload)}`, r.port);
    const s = sums.get(k) ?? { out: 0, in: 0 };
    s.out += r.toSrc;
    s.in += r.toDst;
    sums.set(k, s);
  }
  const out = new Map<string, number>();
  for (const [k, s] of sums) if (s.in > 0) out.set(k, s.out / s.in);
  return out;
}
