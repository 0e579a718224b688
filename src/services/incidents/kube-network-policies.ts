/**
 * Creating and deleting a NetworkPolicy through the Kubernetes API (@kubernetes/client-node 1.4),
 * for applying and lifting a quarantine. The `kubernetes` config section belongs to the live-watch
 * feature; it is read defensively here so a change there cannot break incidents.
 */
import * as k8s from '@kubernetes/client-node';

import type { Config } from '../../api/config-schema.js';
import type { PolicyManifest } from '../../domain/netpol/index.js';
import { loadKubeConfig } from '../../sources/kubernetes/kube-watch.js';

interface KubeSettings {
  kubeconfig?: string;
  context?: string;
  inCluster?: boolean;
}

/** The cluster API settings, or null when no Kubernetes API is configured. */
export function kubeSettings(config: Config): KubeSettings | null {
  const k = (config.kubernetes ?? {}) as Record<string, unknown>;
  const str = (v: unknown): string | undefined =>
    typeof v === 'string' && v !== '' ? v : undefined;
  const kubeconfig = str(k['kubeconfig']);
  const context = str(k['context']);
  const inCluster = k['inCluster'] === true;
  if (k['enabled'] === false) return null;
  if (!kubeconfig && !inCluster && k['enabled'] !== true) return null;
  return {
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
    ...(inCluster ? { inCluster } : {}),
  };
}

function api(s: KubeSettings): k8s.NetworkingV1Api {
  const kc = loadKubeConfig({
    ...(s.kubeconfig ? { kubeconfig: s.kubeconfig } : {}),
    ...(s.inCluster ? { inCluster: true } : {}),
  });
  if (s.context) kc.setCurrentContext(s.context);
  return kc.makeApiClient(k8s.NetworkingV1Api);
}

const codeOf = (err: unknown): number | null =>
  err instanceof k8s.ApiException ? (err as k8s.ApiException<unknown>).code : null;

function describe(err: unknown): string {
  const code = codeOf(err);
  if (code !== null) {
    const body = (err as k8s.ApiException<unknown>).body;
    let msg = '';
    try {
      const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
      msg = String((parsed as { message?: unknown })?.message ?? '');
    } catch {
      msg = '';
    }
    return `Kubernetes API answered ${code}${msg ? `: ${msg}` : ''}`;
  }
  return `Kubernetes API unreachable: ${(err as Error).message}`;
}

/** Creates the policy; an existing one of that name is reported as already present. */
export async function createNetworkPolicy(
  s: KubeSettings,
  manifest: PolicyManifest,
): Promise<{ created: boolean; message: string }> {
  const { namespace, name } = manifest.metadata;
  try {
    await api(s).createNamespacedNetworkPolicy({
      namespace,
      body: manifest as k8s.V1NetworkPolicy,
    });
    return { created: true, message: `NetworkPolicy ${namespace}/${name} created` };
  } catch (err) {
    if (codeOf(err) === 409)
      return {
        created: false,
        message: `NetworkPolicy ${namespace}/${name} already exists; it was left as it is`,
      };
    throw new Error(describe(err), { cause: err });
  }
}

export async function deleteNetworkPolicy(
  s: KubeSettings,
  namespace: string,
  name: string,
): Promise<{ deleted: boolean; message: string }> {
  try {
    await api(s).deleteNamespacedNetworkPolicy({ name, namespace });
    return { deleted: true, message: `NetworkPolicy ${namespace}/${name} deleted` };
  } catch (err) {
    if (codeOf(err) === 404)
      return { deleted: false, message: `NetworkPolicy ${namespace}/${name} was not there` };
    throw new Error(describe(err), { cause: err });
  }
}
