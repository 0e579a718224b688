/**
 * What detection reads: raw denied events (always kept), a namespace's or a port's sampled
 * allowed events (to name an external peer), and the rollup tiers for allowed traffic (1-hour
 * for the usual level, 1-minute for recent steps), binned per connection. Never a scan of
 * every raw allowed flow.
 */
import { ratioKey } from '../domain/detect/allowed.js';
import { type AllowedKey, SeriesBuilder } from '../domain/detect/allowed-series.js';
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

/** Series for the allowed-traffic detectors: history from the 1-hour tier, steps from the 1-minute tier. */
export async function loadAllowedSeries(
  store: FlowStore,
  window: { from: number; to: number },
  o: AllowedDetectOptions,
  stepLookbackMs: number,
  pace: () => Promise<void> = async () => undefined,
): Promise<SeriesBuilder> {
  const builder = new SeriesBuilder(o.stepMs);
  const addAll = (tier: 'hour' | 'step') => async (rows: readonly RollupRow[]) => {
    for (const r of rows) {
      builder.addBins(r as unknown as AllowedKey, r.bins ?? [], tier);
      await pace();
    }
  };
  // History by the hour, a day per read; the recent steps from the 1-minute tier, summed into
  // steps by the database, in one read.
  const histFrom = window.from - o.baselineMs;
  await binnedRows(store, '1h', histFrom, window.to, 24 * HOUR, HOUR, addAll('hour'));
  const stepFrom = window.from - stepLookbackMs;
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
 */
export async function loadAmplificationRatios(
  store: FlowStore,
  window: { from: number; to: number },
  o: AllowedDetectOptions,
): Promise<Map<string, number>> {
  const sums = new Map<string, { out: number; in: number }>();
  for (const port of o.amplificationPorts) {
    const filter: FlowFilter = {
      from: window.from,
      to: window.to,
      port,
      protocol: ['UDP'],
      verdict: ['allowed'],
    };
    await forEachRawEventPage(store, filter, (events) => {
      for (const f of events) {
        if (f.src.kind !== 'external' || f.dst.kind === 'external') continue;
        if (f.bytesToDst === null || f.bytesToSrc === null) continue;
        const wl = `${f.dst.namespace}/${normaliseWorkload(f.dst.workload?.name ?? f.dst.pod)}`;
        const k = ratioKey(f.cluster, wl, port);
        const s = sums.get(k) ?? { out: 0, in: 0 };
        s.out += f.bytesToSrc;
        s.in += f.bytesToDst;
        sums.set(k, s);
      }
    });
  }
  const out = new Map<string, number>();
  for (const [k, s] of sums) if (s.in > 0) out.set(k, s.out / s.in);
  return out;
}
