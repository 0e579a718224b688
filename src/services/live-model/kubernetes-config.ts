/** Resolves the `kubernetes` configuration section (docs/sources.md). */
import type { Config } from '../../api/config-schema.js';

export interface KubernetesSettings {
  kubeconfig?: string;
  context?: string;
  inCluster: boolean;
  cluster: string;
  debounceMs: number;
}

/** The live-model settings, or null when the watch is off. */
export function resolveKubernetesConfig(config: Config): KubernetesSettings | null {
  const k = config.kubernetes;
  if (!k) return null;
  const enabled =
    k.enabled ?? (k.kubeconfig !== undefined || k.context !== undefined || k.inCluster === true);
  if (!enabled) return null;
  return {
    ...(k.kubeconfig !== undefined ? { kubeconfig: k.kubeconfig } : {}),
    ...(k.context !== undefined ? { context: k.context } : {}),
    inCluster: k.inCluster ?? false,
    cluster: k.cluster ?? config.ingest.defaultCluster,
    debounceMs: k.debounceMs ?? 1000,
  };
}
