/**
 * What detection reads: raw events (denied ones always kept, allowed ones sampled) and the
 * rollup tiers for allowed traffic (1-hour for the usual level, 1-minute for recent steps).
 * Never a scan of every raw allowed flow.
 */
import { ratioKey } from '../domain/detect/allowed.js';
import { type AllowedRow, SeriesBuilder } from '../domain/detect/allowed-series.js';
import { normaliseWorkload } from '../domain/detect/names.js';
import type { AllowedDetectOptions } from '../domain/detect/options.js';
import { SOURCE_FORMATS } from '../domain/flow.js';
import type {
  FlowFilter,
  FlowStore,
  RollupKeyField,
  RollupResolution,
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

const GROUP: RollupKeyField[] = [
  'bucket',
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

/** Rollup rows of allowed traffic in [from, to), split into chunks that stay under the row limit. */
async function rollupRows(
  store: FlowStore,
  resolution: RollupResolution,
  from: number,
  to: number,
  chunkMs: number,
): Promise<AllowedRow[]> {
  const out: AllowedRow[] = [];
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
      limit: MAX_ROWS,
    });
    if (rows.length >= MAX_ROWS && b - a > size) {
      const mid = a + Math.floor((b - a) / 2 / size) * size;
      await run(a, mid);
      await run(mid, b);
      return;
    }
    for (const r of rows) out.push(r as AllowedRow);
  };
  const start = from - (from % size);
  for (let a = start; a < to; a += chunkMs) await run(a, Math.min(to, a + chunkMs));
  return out;
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
  const addAll = async (rows: AllowedRow[], as: 'hour' | 'step'): Promise<void> => {
    for (let i = 0; i < rows.length; i++) {
      builder.add(rows[i] as AllowedRow, as);
      if (i % 1000 === 999) await pace();
    }
  };
  // Chunks of a few hours: each is one answer copied from a read worker to this thread, and a
  // smaller answer is a shorter pause for the requests waiting behind it.
  const histFrom = window.from - o.baselineMs;
  await addAll(await rollupRows(store, '1h', histFrom, window.to, 6 * HOUR), 'hour');
  const stepFrom = window.from - stepLookbackMs;
  const stepStart = stepFrom - (stepFrom % o.stepMs);
  await addAll(await rollupRows(store, '1m', stepStart, window.to, HOUR), 'step');
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
