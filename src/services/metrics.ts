/**
 * Prometheus metrics (prom-client). Each app gets its own registry so that several servers in
 * one process (tests) do not clash on metric names.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { FlowStore, StoreExtent } from '../store/flow-store.js';
import type { IngestCounts, IngestObserver } from './ingest.js';
import type { IngestAdmission } from './ingest-admission.js';

/** How long one read of the store's extent serves the gauges: the length of one scrape. */
const EXTENT_REUSE_MS = 1_000;

export interface Metrics {
  registry: Registry;
  observer: IngestObserver;
  /** Prometheus text exposition of every metric. */
  render(): Promise<string>;
  contentType: string;
}

/**
 * Creates the registry. Store gauges are read from `store.extent()` at scrape time (never
 * `stats()`, which counts every row).
 * @example const m = createMetrics(store); reply.type(m.contentType).send(await m.render())
 */
export function createMetrics(store: FlowStore): Metrics {
  const registry = new Registry();
  // The process's own figures (resident memory, V8 heap, event-loop lag, GC pauses, …), as every
  // Node.js service exposes them: what an operator looks at first when the server is slow.
  collectDefaultMetrics({ register: registry });
  const labelNames = ['format'] as const;
  const read = new Counter({
    name: 'netsec_ingest_records_read_total',
    help: 'Input records (non-empty lines) read, per format.',
    labelNames,
    registers: [registry],
  });
  const accepted = new Counter({
    name: 'netsec_ingest_records_accepted_total',
    help: 'Flows parsed and accepted for storage, per format.',
    labelNames,
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'netsec_ingest_records_rejected_total',
    help: 'Input records rejected with an error, per format.',
    labelNames,
    registers: [registry],
  });
  const lost = new Counter({
    name: 'netsec_ingest_lost_events_total',
    help: 'Events the producers reported as lost (evidence gaps), per format.',
    labelNames,
    registers: [registry],
  });
  const duplicates = new Counter({
    name: 'netsec_ingest_duplicate_batches_total',
    help: 'Batches received again and not counted twice, per format.',
    labelNames,
    registers: [registry],
  });
  const commit = new Histogram({
    name: 'netsec_ingest_batch_commit_seconds',
    help: 'Time to write and commit one batch to the store.',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // One read of the store's extent per scrape, shared by its three gauges (prom-client collects
  // every metric of a scrape at once, so without this each gauge would read it).
  let extent: { at: number; value: Promise<StoreExtent | null> } | null = null;
  const stat = (): Promise<StoreExtent | null> => {
    const at = Date.now();
    if (!extent || at - extent.at > EXTENT_REUSE_MS || at < extent.at) {
      extent = { at, value: store.extent().catch(() => null) };
    }
    return extent.value;
  };
  new Gauge({
    name: 'netsec_store_size_bytes',
    help: 'Size of the store on disk, write-ahead log included.',
    registers: [registry],
    async collect() {
      const s = await stat();
      if (s) this.set(s.sizeBytes);
    },
  });
  new Gauge({
    name: 'netsec_store_oldest_data_timestamp_seconds',
    help: 'Time of the oldest flow held in any tier (Unix seconds).',
    registers: [registry],
    async collect() {
      const s = await stat();
      if (s && s.oldest !== null) this.set(s.oldest / 1000);
    },
  });
  new Gauge({
    name: 'netsec_store_newest_data_timestamp_seconds',
    help: 'Time of the newest flow held in any tier (Unix seconds).',
    registers: [registry],
    async collect() {
      const s = await stat();
      if (s && s.newest !== null) this.set(s.newest / 1000);
    },
  });

  // SQLite's read worker threads (absent for PostgreSQL and when turned off).
  const pool = (): ReturnType<NonNullable<FlowStore['readPoolStats']>> =>
    store.readPoolStats?.() ?? null;
  new Gauge({
    name: 'netsec_store_read_workers',
    help: 'Live read worker threads of the SQLite store (0 when reads run on the main thread).',
    registers: [registry],
    collect() {
      this.set(pool()?.workers ?? 0);
    },
  });
  new Gauge({
    name: 'netsec_store_reads_in_flight',
    help: 'Reads sent to the read worker threads and not answered yet.',
    registers: [registry],
    collect() {
      this.set(pool()?.inFlight ?? 0);
    },
  });
  new Gauge({
    name: 'netsec_store_read_worker_restarts',
    help: 'Read worker threads that died and were replaced since the start.',
    registers: [registry],
    collect() {
      this.set(pool()?.restarts ?? 0);
    },
  });

  const observer: IngestObserver = {
    onBatch(format, d: IngestCounts, commitSeconds) {
      if (d.read) read.inc({ format }, d.read);
      if (d.flows) accepted.inc({ format }, d.flows);
      if (d.rejected) rejected.inc({ format }, d.rejected);
      if (d.lostEvents) lost.inc({ format }, d.lostEvents);
      if (d.duplicateBatches) duplicates.inc({ format }, d.duplicateBatches);
      if (commitSeconds !== null) commit.observe(commitSeconds);
    },
  };
  return {
    registry,
    observer,
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** Live figures of a pool of ingest worker threads (`ingest-pool.ts`). */
export interface IngestWorkerFigures {
  workers: number;
  inFlight: number;
  restarts: number;
}

/**
 * Gauges of the ingest worker threads, read at scrape time; `figures` answers null while
 * there is no pool (PostgreSQL, `ingest.workers: 0`), and the gauges read 0.
 */
export function registerIngestWorkerMetrics(
  registry: Registry,
  figures: () => IngestWorkerFigures | null,
): void {
  const gauge = (name: string, help: string, pick: (f: IngestWorkerFigures) => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const f = figures();
        this.set(f ? pick(f) : 0);
      },
    });
  };
  gauge(
    'netsec_ingest_workers',
    'Live ingest worker threads (0 when request bodies are parsed on the main thread).',
    (f) => f.workers,
  );
  gauge(
    'netsec_ingest_bodies_in_flight',
    'Request bodies sent to the ingest worker threads and not answered yet.',
    (f) => f.inFlight,
  );
  gauge(
    'netsec_ingest_worker_restarts',
    'Ingest worker threads that died and were replaced since the start.',
    (f) => f.restarts,
  );
}

/**
 * The ingest admission's figures (`ingest-admission.ts`): bytes in flight and the limit, read at
 * scrape time, and the requests refused.
 */
export function registerIngestAdmissionMetrics(
  registry: Registry,
  admission: IngestAdmission,
): void {
  new Gauge({
    name: 'netsec_ingest_in_flight_bytes',
    help: 'Decompressed bytes of the ingest request bodies received and not answered yet.',
    registers: [registry],
    collect() {
      this.set(admission.state().bytes);
    },
  });
  new Gauge({
    name: 'netsec_ingest_in_flight_limit_bytes',
    help: 'ingest.maxInFlightBytes: a body that would pass it is refused with 503.',
    registers: [registry],
    collect() {
      this.set(admission.state().maxBytes);
    },
  });
  const refused = new Counter({
    name: 'netsec_ingest_requests_refused_total',
    help: 'Ingest requests refused with 503 before parsing: too many bytes in flight.',
    registers: [registry],
  });
  admission.onRefused(() => refused.inc());
}
