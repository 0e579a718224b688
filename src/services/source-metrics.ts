/**
 * Source health in Prometheus form, read from the sources' snapshots at scrape time. A silent
 * source shows as an old `netsec_source_last_data_timestamp_seconds` and a growing lag.
 */
import { Counter, Gauge, type Registry } from 'prom-client';

import type { SourceHealthSnapshot } from '../sources/source.js';

type Snapshots = () => readonly SourceHealthSnapshot[];

/** Registers the source gauges and counters on an app's registry. */
export function registerSourceMetrics(registry: Registry, snapshots: Snapshots): void {
  const labelNames = ['source', 'kind'] as const;
  const gauge = (
    name: string,
    help: string,
    value: (s: SourceHealthSnapshot) => number | null,
  ): void => {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const s of snapshots()) {
          const v = value(s);
          if (v !== null) this.set({ source: s.name, kind: s.kind }, v);
        }
      },
    });
  };
  const counter = (
    name: string,
    help: string,
    value: (s: SourceHealthSnapshot) => number,
  ): void => {
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        // The sources keep the running totals; the counter mirrors them at scrape time.
        this.reset();
        for (const s of snapshots()) this.inc({ source: s.name, kind: s.kind }, value(s));
      },
    });
  };
  gauge('netsec_source_up', 'Whether the source is connected (1) or retrying/stopped (0).', (s) =>
    s.state === 'connected' ? 1 : 0,
  );
  gauge(
    'netsec_source_last_data_timestamp_seconds',
    'Time of the newest event delivered by the source (Unix seconds).',
    (s) => (s.lastDataAt === null ? null : s.lastDataAt / 1000),
  );
  gauge(
    'netsec_source_lag_seconds',
    'How far the newest delivered event was behind the clock when it was delivered.',
    (s) => (s.lagMs === null ? null : s.lagMs / 1000),
  );
  counter('netsec_source_records_total', 'Records delivered by the source.', (s) => s.records);
  counter(
    'netsec_source_lost_events_total',
    'Events the producer reported lost (Hubble lost_events): evidence gaps.',
    (s) => s.lostEvents,
  );
  counter('netsec_source_errors_total', 'Connection and read errors.', (s) => s.errors);
  counter('netsec_source_reconnects_total', 'Successful reconnections.', (s) => s.reconnects);
  counter(
    'netsec_source_duplicates_skipped_total',
    'Records received again after a reconnect and skipped.',
    (s) => s.duplicatesSkipped,
  );
}
