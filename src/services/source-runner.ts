/**
 * Runs live sources into the local ingest service (`netsec serve --source …`): each batch is
 * ingested like an HTTP batch, with an idempotency key when the source names its position, and
 * each source's health is exported on `/metrics`.
 */
import { createHash } from 'node:crypto';

import type { Registry } from 'prom-client';

import type { NamedCidr } from '../domain/ip.js';
import { createSource, type CreateSourceOptions } from '../sources/registry.js';
import type { Source, SourceHealthSnapshot } from '../sources/source.js';
import type { IngestService } from './ingest.js';
import { registerSourceMetrics } from './source-metrics.js';

export { SourceSpecError } from '../sources/registry.js';
export type { Source, SourceHealthSnapshot } from '../sources/source.js';

/**
 * Sources for specs; throws `SourceSpecError` (or a file error for TLS files) on a bad one.
 * @example createSources(['hubble-relay://relay:4245'], { cluster: 'prod' })
 */
export function createSources(specs: readonly string[], opts: CreateSourceOptions): Source[] {
  return specs.map((s) => createSource(s, opts));
}

export interface SourceRunnerOptions {
  sources: readonly Source[];
  ingest: IngestService;
  cluster: string;
  namedCidrs?: readonly NamedCidr[];
  batchSize?: number;
  /** Where to export source health (the app's `/metrics` registry). */
  registry?: Registry;
  /** Called with a source's failure to ingest (the batch is retried by the source). */
  onError?: (source: Source, err: unknown) => void;
}

export class SourceRunner {
  private readonly ac = new AbortController();
  private runs: Promise<void>[] = [];

  constructor(private readonly opts: SourceRunnerOptions) {
    if (opts.registry) registerSourceMetrics(opts.registry, () => this.health());
  }

  health(): SourceHealthSnapshot[] {
    return this.opts.sources.map((s) => s.health());
  }

  start(): void {
    this.runs = this.opts.sources.map((source) => {
      const tag = createHash('sha256').update(source.name).digest('hex').slice(0, 8);
      return source.start(
        {
          write: async (batch) => {
            try {
              await this.opts.ingest.ingestLines([batch.lines], {
                format: batch.format,
                cluster: batch.cluster ?? this.opts.cluster,
                namedCidrs: this.opts.namedCidrs ?? [],
                ...(this.opts.batchSize !== undefined ? { batchSize: this.opts.batchSize } : {}),
                ...(batch.key !== undefined ? { idempotencyKey: `src:${tag}:${batch.key}` } : {}),
              });
            } catch (err) {
              this.opts.onError?.(source, err);
              throw err;
            }
          },
        },
        this.ac.signal,
      );
    });
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await Promise.all(this.runs);
  }
}
