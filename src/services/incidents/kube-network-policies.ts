/**
 * Creating and deleting a NetworkPolicy through the Kubernetes API (@kubernetes/client-node 1.4),
 * for applying and lifting a quarantine. The `kubernetes` config section belongs to the live-watch
 * feature; it is read defensively here so a change there cannot break incidents.
 */
import type * as K8s from '@kubernetes/client-node';

import type { Config } from '../../api/config-schema.js';
import type { PolicyManifest } from '../../domain/netpol/index.js';
import type { loadKubeConfig as LoadKubeConfig } from '../../sources/kubernetes/kube-watch.js';

/** Loaded on first use: the client takes over a second to load, and most servers never apply. */
async function client(): Promise<{
  k8s: typeof K8s;
  loadKubeConfig: typeof LoadKubeConfig;
}> {
  const k8s = await import('@kubernetes/client-node');
  const { loadKubeConfig } = await import('../../sources/kubernetes/kube-watch.js');
  return { k8s, loadKubeConfig };
}

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

async function api(s: KubeSettings): Promise<K8s.NetworkingV1Api> {
  const { k8s, loadKubeConfig } = await client();
  const kc = loadKubeConfig({
    ...(s.kubeconfig ? { kubeconfig: s.kubeconfig } : {}),
    ...(s.inCluster ? { inCluster: true } : {}),
  });
  if (s.context) kc.setCurrentContext(s.context);
  return kc.makeApiClient(k8s.NetworkingV1Api);
}

/** The HTTP status of an API error (the client's ApiException carries `code` and `body`). */
const codeOf = (err: unknown): number | null => {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof Error && typeof code === 'number' ? code : null;
};

function describe(err: unknown): string {
  const code = codeOf(err);
  if (code !== null) {
    const body = (err as { body?: unknown }).body;
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
    await (
      await api(s)
    ).createNamespacedNetworkPolicy({
      namespace,
      body: manifest as K8s.V1NetworkPolicy,
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
    await (await api(s)).deleteNamespacedNetworkPolicy({ name, namespace });
    return { deleted: true, message: `NetworkPolicy ${namespace}/${name} deleted` };
  } catch (err) {
    if (codeOf(err) === 404)
      return { deleted: false, message: `NetworkPolicy ${namespace}/${name} was not there` };
    throw new Error(describe(err), { cause: err });
  }
}
