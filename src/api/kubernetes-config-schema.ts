/** Configuration of the live cluster model: kubeconfig or in-cluster credentials (docs/sources.md). Every key optional; the feature resolves defaults. */
import { z } from 'zod';

export const KubernetesConfigLayerSchema = z.strictObject({});
export type KubernetesConfigLayer = z.infer<typeof KubernetesConfigLayerSchema>;
