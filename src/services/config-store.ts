/**
 * Opens the store a configuration names and wires the services around it, so that the CLI and
 * the server share one way of doing so.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

import { type Config, CONFIG_DEFAULTS } from '../api/config-schema.js';
import type { ClusterModel } from '../domain/netpol/index.js';
import { createParser } from '../formats/registry.js';
import type { FlowStore } from '../store/flow-store.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { type AuthServices, buildAuthServices } from './auth/index.js';
import { findingStoreFor } from './detection-store.js';
import type { GovernanceContext } from './governance-context.js';
import {
  directCommitter,
  type GroupCommitOptions,
  GroupCommitter,
  takesPrepared,
} from './group-commit.js';
import { type FlowEnricher, IngestService } from './ingest.js';
import { IngestAdmission } from './ingest-admission.js';
import { IngestWorkerPool } from './ingest-pool.js';
import {
  createMetrics,
  type Metrics,
  registerIngestAdmissionMetrics,
  registerIngestWorkerMetrics,
} from './metrics.js';
import { QueryService } from './query.js';
import type { TokenService } from './tokens.js';

export type { FlowStore } from '../store/flow-store.js';

export interface OpenStoreOptions {
  /**
   * `batch` (default): every committed batch is on disk before it is acknowledged (fsync per
   * commit), as the ingest API needs. `close`: commits survive a process crash at once and a
   * power loss once the store is closed; `netsec import` acknowledges only at the end (its
   * summary), after closing, and saves an fsync per batch.
   */
  durability?: 'batch' | 'close';
  /**
   * SQLite: read worker threads (`store.readWorkers`); the server passes its configuration,
   * one-shot commands read on their own thread. Default 0.
   */
  readWorkers?: number;
}

/**
 * Opens (and migrates) the store: PostgreSQL when `config.store.url` is set (`--store
 * postgres://…`), else the SQLite store at `config.store.path`, creating its directory.
 */
export async function openFlowStore(
  config: Config,
  options: OpenStoreOptions = {},
): Promise<FlowStore> {
  if (config.store.url) {
    // Loaded only when configured: the embedded default never pays for the pg driver.
    const { openPostgresStore } = await import('../store/postgres/postgres-store.js');
    return openPostgresStore({
      url: config.store.url,
      allowedSampleRate: config.ingest.allowedSampleRate,
    });
  }
  const path = config.store.path;
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const store = openSqliteStore({
    path,
    allowedSampleRate: config.ingest.allowedSampleRate,
    synchronous: options.durability === 'close' ? 'NORMAL' : 'FULL',
    ...(options.readWorkers ? { readWorkers: options.readWorkers } : {}),
  });
  await store.migrate();
  return store;
}

export interface Services {
  store: FlowStore;
  ingest: IngestService;
  /** How much ingest work is taken on at once (`ingest.maxInFlightBytes`). */
  ingestAdmission: IngestAdmission;
  query: QueryService;
  tokens: TokenService;
  metrics: Metrics;
  /** Users, sessions, API token kinds, the audit log and the guarded read view. */
  auth: AuthServices;
  /** Stores, audit log and model for reviews, incidents, compliance, reports, source health. */
  governance: GovernanceContext;
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export interface BuildServicesOptions {
  /** Endpoint enrichment from a cluster model (see `loadEnricher`). */
  enricher?: FlowEnricher;
  config?: Config;
  /**
   * Concurrent ingest calls share transactions (one fsync for several requests). Each call
   * still resolves only after its own batches committed. Default on, 3 ms window.
   */
  groupCommit?: GroupCommitOptions | false;
  /**
   * Ingest worker threads for request bodies (`ingest.workers`; either store, only from the
   * compiled code). Default 0: bodies are ingested on the calling thread.
   */
  ingestWorkers?: number;
  /** Nice value of the ingest worker threads (`ingest.workerNice`, Linux). Default 0. */
  ingestWorkerNice?: number;
  /** The cluster model in force, read at each use (a live watch replaces it). */
  model?: () => ClusterModel | null;
  now?: () => number;
}

/** Builds the services around an open store. */
export function buildServices(store: FlowStore, options: BuildServicesOptions = {}): Services {
  const metrics = createMetrics(store);
  const group = options.groupCommit ?? {};
  const auth = buildAuthServices(store, { auth: options.config?.auth });
  const config = options.config ?? CONFIG_DEFAULTS;
  const governance: GovernanceContext = {
    config,
    store,
    findings: findingStoreFor(store),
    audit: auth.audit,
    registry: metrics.registry,
    now: options.now ?? Date.now,
    model: options.model ?? (() => null),
    hooks: { reviewSignedOff: [] },
  };
  const committer = group !== false ? new GroupCommitter(store, group) : directCommitter(store);
  // Bodies parse on worker threads; they prepare batches for a store that takes them.
  const offload =
    (options.ingestWorkers ?? 0) > 0
      ? IngestWorkerPool.open({
          workers: options.ingestWorkers ?? 0,
          nice: options.ingestWorkerNice ?? 0,
          prepare: takesPrepared(store) ? store.preparedWrites : null,
          committer,
          observer: metrics.observer,
        })
      : null;
  registerIngestWorkerMetrics(metrics.registry, () => offload?.stats() ?? null);
  const ingestAdmission = new IngestAdmission(config.ingest.maxInFlightBytes);
  registerIngestAdmissionMetrics(metrics.registry, ingestAdmission);
  const ingest = new IngestService({
    store,
    createParser,
    observer: metrics.observer,
    committer,
    ...(options.enricher ? { enricher: options.enricher } : {}),
    ...(offload ? { offload } : {}),
  });
  return {
    governance,
    store,
    metrics,
    ingestAdmission,
    auth,
    ingest,
    query: new QueryService(
      store,
      Date.now,
      options.config?.retention.rollup1m,
      options.config?.server.flowSearchMs,
    ),
    tokens: auth.tokens,
    // Ready when the store answers AND can write: a server on a full or read-only disk leaves
    // rotation until a write succeeds again (or the failure is old; StorageAvailability).
    ready: async () => {
      if (!ingest.storage.state().writable) return false;
      try {
        await store.extent();
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      await offload?.close();
      await store.close();
    },
  };
}
