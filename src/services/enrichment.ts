/**
 * Builds the ingest enricher from the configured manifests (`ingest.manifests`, or
 * `--manifests` on `netsec import` and `netsec serve`). Without manifests there is no enricher
 * and flows keep what their source says.
 */
import type { Config } from '../api/config-schema.js';
import type { ClusterModel } from '../domain/netpol/index.js';
import { ClusterEnricher } from './cluster-enricher.js';
import { formatModelError, loadClusterModel } from './cluster-model-service.js';
import { namedCidrsFor } from './config.js';

export interface LoadedEnricher {
  enricher: ClusterEnricher;
  /** The cluster model the enricher reads; the dashboard's policy views use it too. */
  model: ClusterModel;
  /** Pods of the model that have an IP (what IP lookups can find). */
  podsWithIp: number;
  files: number;
  /** Problems found in the manifests; the valid objects are still used. */
  warnings: string[];
}

/**
 * @example
 * const loaded = await loadEnricher(config);
 * const services = buildServices(store, { config, ...(loaded ? { enricher: loaded.enricher } : {}) });
 */
export async function loadEnricher(config: Config): Promise<LoadedEnricher | null> {
  const paths = config.ingest.manifests;
  if (paths.length === 0) return null;
  const loaded = await loadClusterModel(paths);
  if (loaded.files.length === 0) {
    const why = loaded.errors.map(formatModelError).join('; ');
    throw new Error(`no manifest files found in ${paths.join(', ')}${why ? `: ${why}` : ''}`);
  }
  return {
    model: loaded.model,
    enricher: new ClusterEnricher(loaded.model, {
      namedCidrsFor: (cluster) => namedCidrsFor(config, cluster),
    }),
    podsWithIp: loaded.model.pods.filter((p) => p.ip !== null && !p.hostNetwork).length,
    files: loaded.files.length,
    warnings: loaded.errors.map(formatModelError),
  };
}
