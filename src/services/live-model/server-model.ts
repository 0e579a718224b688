/**
 * The server's cluster model: fixed (manifests, the demo's) or live from a Kubernetes watch.
 * Either way the enricher, the dashboard's policy port and `ctx.model()` read one ModelHolder,
 * so a rebuilt model takes effect for all of them at once. Also registers source health on
 * /metrics (once, for every running source) and keeps the policy-change journal to retention.
 */
import type { Config } from '../../api/config-schema.js';
import type { ClusterModel } from '../../domain/netpol/index.js';
import { namedCidrTable } from '../config.js';
import type { Services } from '../config-store.js';
import type { PolicyEnginePort } from '../dashboard/policy-port.js';
import type { FlowEnricher } from '../ingest.js';
import { registerSourceMetrics } from '../source-metrics.js';
import { resolveKubernetesConfig } from './kubernetes-config.js';
import type { LiveCluster } from './live-cluster.js';
import { liveEnricher, livePolicyPort, ModelHolder } from './model-holder.js';
import { policyChangeStoreFor } from './policy-change-store-for.js';
import { registerSourceHealth, runningSourceHealth } from './source-health.js';

const JOURNAL_RETENTION_INTERVAL_MS = 3_600_000;

export interface ServerLog {
  info(msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface ServerModel {
  holder: ModelHolder;
  /** Null when there is no model and no watch (flows pass unenriched, as before). */
  enricher: FlowEnricher | null;
  policy: PolicyEnginePort | null;
  model: () => ClusterModel | null;
  /** The watch, when configured (started by `start`). */
  live: LiveCluster | null;
  start(services: Services, log: ServerLog): void;
  stop(): Promise<void>;
}

/**
 * @example
 * const sm = await createServerModel(config, manifestsModel);
 * const services = buildServices(store, { enricher: sm.enricher ?? undefined, model: sm.model });
 * sm.start(services, app.log);
 */
export async function createServerModel(
  config: Config,
  initial: ClusterModel | null,
): Promise<ServerModel> {
  const k8s = resolveKubernetesConfig(config);
  const holder = new ModelHolder(initial);
  // The Kubernetes client is large (about 1.5 s to load): only a server that watches a cluster
  // pays for it.
  const watch = k8s
    ? {
        ...(await import('../../sources/kubernetes/kube-watch.js')),
        ...(await import('./live-cluster.js')),
      }
    : null;
  // Read the kubeconfig now: a wrong path or context fails the start, not the first rebuild.
  const kubeConfig =
    k8s && watch
      ? watch.loadKubeConfig({
          ...(k8s.kubeconfig !== undefined ? { kubeconfig: k8s.kubeconfig } : {}),
          ...(k8s.context !== undefined ? { context: k8s.context } : {}),
          inCluster: k8s.inCluster,
        })
      : null;
  const withModel = initial !== null || k8s !== null;
  let live: LiveCluster | null = null;
  let timer: NodeJS.Timeout | null = null;
  const sm: ServerModel = {
    holder,
    enricher: withModel
      ? liveEnricher(holder, {
          namedCidrs: namedCidrTable(config),
          ...(k8s ? { onlyCluster: k8s.cluster } : {}),
        })
      : null,
    policy: withModel ? livePolicyPort(holder) : null,
    model: () => holder.get(),
    live: null,
    start(services, log) {
      const ctx = services.governance;
      registerSourceMetrics(services.metrics.registry, () => runningSourceHealth(ctx));
      if (!k8s || !kubeConfig || !watch || live) return;
      const journal = policyChangeStoreFor(services.store);
      live = new watch.LiveCluster({
        kubeConfig,
        cluster: k8s.cluster,
        holder,
        journal,
        debounceMs: k8s.debounceMs,
        now: ctx.now,
        onError: (what, err) => log.warn({ err }, `${what} failed`),
        onModel: (m) =>
          log.info(
            `cluster model rebuilt: ${m.pods} pods, ${m.policies} policies, ${m.errors.length} errors`,
          ),
      });
      sm.live = live;
      registerSourceHealth(ctx, () => (live ? [live.health()] : []));
      live.start();
      const retention = (): void => {
        journal
          .deletePolicyChangesBefore(ctx.now() - config.retention.records)
          .catch((err: unknown) => log.warn({ err }, 'policy-change retention failed'));
      };
      timer = setInterval(retention, JOURNAL_RETENTION_INTERVAL_MS);
      timer.unref();
      retention();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await live?.stop();
    },
  };
  return sm;
}
