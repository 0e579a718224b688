/**
 * The demo cluster as authored data: an online shop split over ten namespaces. Everything the
 * simulator generates (pods, manifests, policies, traffic) derives from these tables, so a
 * change here changes the whole demo consistently.
 */

export type SimWorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'CronJob' | 'Job';

export interface PortSpec {
  name: string;
  port: number;
  protocol?: 'TCP' | 'UDP';
}

export interface WorkloadSpec {
  namespace: string;
  name: string;
  kind: SimWorkloadKind;
  /** Pods; for a DaemonSet one per node; for a CronJob the pods of its last Job. */
  replicas: number;
  component: string;
  version: string;
  image: string;
  ports: PortSpec[];
  /** Labels some real charts use instead of (or as well as) the recommended ones. */
  extraLabels?: Record<string, string>;
  schedule?: string;
}

export interface NamespaceSpec {
  name: string;
  team: string;
  /** Default deny for ingress / egress; dev-sandbox has neither (no policy at all). */
  denyIngress: boolean;
  denyEgress: boolean;
}

export const CLUSTER_NAME = 'demo';

export const NODE_COUNT = 10;

export const NAMESPACES: readonly NamespaceSpec[] = [
  { name: 'ingress-nginx', team: 'platform', denyIngress: true, denyEgress: true },
  { name: 'frontend', team: 'web', denyIngress: true, denyEgress: true },
  { name: 'checkout', team: 'checkout', denyIngress: true, denyEgress: true },
  { name: 'payments', team: 'payments', denyIngress: true, denyEgress: true },
  { name: 'catalog', team: 'catalog', denyIngress: true, denyEgress: true },
  { name: 'orders', team: 'orders', denyIngress: true, denyEgress: true },
  { name: 'monitoring', team: 'platform', denyIngress: true, denyEgress: false },
  { name: 'kube-system', team: 'platform', denyIngress: true, denyEgress: false },
  { name: 'dev-sandbox', team: 'web', denyIngress: false, denyEgress: false },
  { name: 'batch', team: 'data', denyIngress: true, denyEgress: true },
];

const http = (port = 8080): PortSpec[] => [
  { name: 'http', port },
  { name: 'metrics', port: 9090 },
];

function w(
  namespace: string,
  name: string,
  kind: SimWorkloadKind,
  replicas: number,
  component: string,
  version: string,
  ports: PortSpec[],
  extra: Partial<WorkloadSpec> = {},
): WorkloadSpec {
  return {
    namespace,
    name,
    kind,
    replicas,
    component,
    version,
    image: `registry.example.com/${namespace}/${name}:${version}`,
    ports,
    ...extra,
  };
}

export const WORKLOADS: readonly WorkloadSpec[] = [
  // ingress-nginx
  w('ingress-nginx', 'ingress-nginx-controller', 'Deployment', 3, 'controller', '1.11.3', [
    { name: 'http', port: 80 },
    { name: 'https', port: 443 },
    { name: 'metrics', port: 10254 },
  ]),
  w('ingress-nginx', 'default-backend', 'Deployment', 1, 'default-backend', '1.5.0', http()),
  // kube-system
  w(
    'kube-system',
    'coredns',
    'Deployment',
    2,
    'dns',
    '1.11.3',
    [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53 },
      { name: 'metrics', port: 9153 },
    ],
    { extraLabels: { 'k8s-app': 'kube-dns' } },
  ),
  w('kube-system', 'kube-proxy', 'DaemonSet', 0, 'proxy', '1.30.6', [
    { name: 'metrics', port: 10249 },
  ]),
  w('kube-system', 'metrics-server', 'Deployment', 1, 'metrics', '0.7.2', [
    { name: 'https', port: 10250 },
  ]),
  w('kube-system', 'cluster-autoscaler', 'Deployment', 1, 'autoscaler', '1.30.2', [
    { name: 'http', port: 8085 },
  ]),
  w('kube-system', 'calico-accountant', 'DaemonSet', 0, 'accountant', '0.1.6', [
    { name: 'metrics', port: 9009 },
  ]),
  // frontend
  w('frontend', 'web', 'Deployment', 8, 'web', '3.18.2', http()),
  w('frontend', 'storefront-bff', 'Deployment', 5, 'bff', '2.7.0', http()),
  w('frontend', 'static-assets', 'Deployment', 3, 'static', '1.4.1', http()),
  w('frontend', 'image-resizer', 'Deployment', 3, 'media', '0.9.4', http()),
  w('frontend', 'session-cache', 'StatefulSet', 3, 'cache', '7.2.5', [
    { name: 'redis', port: 6379 },
    { name: 'metrics', port: 9121 },
  ]),
  w('frontend', 'feature-flags', 'Deployment', 2, 'config', '1.2.0', http()),
  w('frontend', 'i18n', 'Deployment', 2, 'config', '0.6.3', http()),
  // checkout
  w('checkout', 'checkout-api', 'Deployment', 4, 'api', '2.3.1', http()),
  w('checkout', 'cart', 'Deployment', 4, 'api', '1.9.0', http()),
  w('checkout', 'cart-redis', 'StatefulSet', 3, 'cache', '7.2.5', [
    { name: 'redis', port: 6379 },
    { name: 'metrics', port: 9121 },
  ]),
  w('checkout', 'promo-engine', 'Deployment', 3, 'api', '0.14.2', http()),
  w('checkout', 'shipping-quotes', 'Deployment', 2, 'api', '1.0.2', http()),
  w('checkout', 'tax-calculator', 'Deployment', 2, 'api', '1.1.0', http()),
  w('checkout', 'checkout-worker', 'Deployment', 3, 'worker', '2.3.1', [
    { name: 'metrics', port: 9090 },
  ]),
  // payments
  w('payments', 'payments-api', 'Deployment', 4, 'api', '4.2.0', [
    { name: 'https', port: 8443 },
    { name: 'metrics', port: 9090 },
  ]),
  w('payments', 'gateway-adapter', 'Deployment', 3, 'adapter', '1.8.3', http()),
  w('payments', 'fraud-scoring', 'Deployment', 3, 'model', '0.22.0', http()),
  w('payments', 'refunds', 'Deployment', 2, 'api', '1.2.4', http()),
  w('payments', 'ledger', 'Deployment', 3, 'api', '3.0.5', http()),
  w('payments', 'payments-db', 'StatefulSet', 3, 'database', '16.4', [
    { name: 'postgres', port: 5432 },
    { name: 'metrics', port: 9187 },
  ]),
  w('payments', 'settlement', 'CronJob', 1, 'batch', '1.3.0', [], { schedule: '30 1 * * *' }),
  // catalog
  w('catalog', 'catalog-api', 'Deployment', 5, 'api', '5.1.0', http()),
  w('catalog', 'search', 'StatefulSet', 3, 'search', '8.15.1', [
    { name: 'http', port: 9200 },
    { name: 'transport', port: 9300 },
  ]),
  w('catalog', 'catalog-db', 'StatefulSet', 3, 'database', '16.4', [
    { name: 'postgres', port: 5432 },
    { name: 'metrics', port: 9187 },
  ]),
  w('catalog', 'pricing', 'Deployment', 4, 'api', '2.4.1', http()),
  w('catalog', 'reviews', 'Deployment', 3, 'api', '1.3.0', http()),
  w('catalog', 'inventory', 'Deployment', 3, 'api', '2.0.3', http()),
  w('catalog', 'recommendations', 'Deployment', 3, 'model', '1.6.0', http()),
  w('catalog', 'catalog-importer', 'CronJob', 1, 'batch', '1.0.9', [], {
    schedule: '0 3 * * *',
  }),
  // orders
  w('orders', 'orders-api', 'Deployment', 4, 'api', '3.4.0', http()),
  w('orders', 'orders-db', 'StatefulSet', 3, 'database', '16.4', [
    { name: 'postgres', port: 5432 },
    { name: 'metrics', port: 9187 },
  ]),
  w('orders', 'returns', 'Deployment', 3, 'api', '1.1.1', http()),
  w('orders', 'invoicing', 'Deployment', 2, 'api', '2.0.0', http()),
  w('orders', 'shipping', 'Deployment', 3, 'api', '1.7.2', http()),
  w('orders', 'notifications', 'Deployment', 3, 'worker', '2.2.0', http()),
  w('orders', 'kafka', 'StatefulSet', 3, 'broker', '3.8.0', [
    { name: 'broker', port: 9092 },
    { name: 'metrics', port: 9308 },
  ]),
  w('orders', 'order-events', 'Deployment', 4, 'consumer', '3.4.0', http()),
  // monitoring
  w('monitoring', 'prometheus', 'StatefulSet', 2, 'server', '2.54.1', [
    { name: 'web', port: 9090 },
  ]),
  w('monitoring', 'alertmanager', 'StatefulSet', 2, 'alerting', '0.27.0', [
    { name: 'web', port: 9093 },
  ]),
  w('monitoring', 'grafana', 'Deployment', 1, 'ui', '11.2.2', [{ name: 'http', port: 3000 }]),
  w('monitoring', 'node-exporter', 'DaemonSet', 0, 'exporter', '1.8.2', [
    { name: 'metrics', port: 9100 },
  ]),
  w('monitoring', 'loki', 'StatefulSet', 3, 'logs', '3.2.0', [{ name: 'http', port: 3100 }]),
  w('monitoring', 'promtail', 'DaemonSet', 0, 'agent', '3.2.0', [{ name: 'http', port: 9080 }]),
  w('monitoring', 'kube-state-metrics', 'Deployment', 1, 'exporter', '2.13.0', [
    { name: 'metrics', port: 8080 },
  ]),
  w('monitoring', 'blackbox-exporter', 'Deployment', 1, 'exporter', '0.25.0', [
    { name: 'http', port: 9115 },
  ]),
  // dev-sandbox: no NetworkPolicy at all, as many real sandboxes
  w('dev-sandbox', 'toolbox', 'Deployment', 1, 'tools', 'latest', []),
  w('dev-sandbox', 'jupyter', 'Deployment', 1, 'notebook', '4.2.5', [{ name: 'http', port: 8888 }]),
  w('dev-sandbox', 'test-api', 'Deployment', 2, 'api', '0.0.1-dev', http()),
  w('dev-sandbox', 'ntp-test', 'Deployment', 1, 'tools', '4.2.8', [
    { name: 'ntp', port: 123, protocol: 'UDP' },
  ]),
  w('dev-sandbox', 'scratch-redis', 'StatefulSet', 1, 'cache', '7.2.5', [
    { name: 'redis', port: 6379 },
  ]),
  // batch
  w('batch', 'etl-worker', 'Deployment', 4, 'worker', '1.12.0', [{ name: 'metrics', port: 9090 }]),
  w('batch', 'report-generator', 'CronJob', 1, 'report', '2.1.0', [], {
    schedule: '0 6 * * *',
  }),
  w('batch', 'data-export', 'CronJob', 1, 'export', '1.0.4', [], { schedule: '0 2 * * *' }),
  w('batch', 'backup', 'CronJob', 1, 'backup', '0.8.1', [], { schedule: '0 0 * * *' }),
  w('batch', 'ml-training', 'Job', 4, 'training', '0.3.0', []),
  w('batch', 'airflow-scheduler', 'Deployment', 1, 'scheduler', '2.10.2', [
    { name: 'http', port: 8793 },
  ]),
];

/** `namespace/name`, the key every other table uses for a workload. */
export function workloadKey(spec: Pick<WorkloadSpec, 'namespace' | 'name'>): string {
  return `${spec.namespace}/${spec.name}`;
}
