/** Configuration of the live cluster model: kubeconfig or in-cluster credentials (docs/sources.md). Every key optional; the feature resolves defaults. */
import { z } from 'zod';

export const KubernetesConfigLayerSchema = z.strictObject({
  /**
   * Watch the cluster. Default: on when `kubeconfig`, `context` or `inCluster` is given (or
   * `--kubeconfig`); `enabled: true` alone uses KUBECONFIG or ~/.kube/config.
   */
  enabled: z.optional(z.boolean()),
  /** A kubeconfig file. */
  kubeconfig: z.optional(z.string().min(1)),
  /** The kubeconfig context to use (default: its current context). */
  context: z.optional(z.string().min(1)),
  /** Use the pod's service account (running inside the cluster). */
  inCluster: z.optional(z.boolean()),
  /** The cluster name flows from this cluster carry (default: `ingest.defaultCluster`). */
  cluster: z.optional(z.string().min(1)),
  /** How long to wait after a change before rebuilding the model (ms, default 1000). */
  debounceMs: z.optional(z.number().int().min(0).max(60_000)),
});
export type KubernetesConfigLayer = z.infer<typeof KubernetesConfigLayerSchema>;
