/**
 * The connection catalogue: who calls whom, on which port, how often and how many bytes.
 * `intended: false` marks traffic that no policy was written for (stale routes, a test
 * environment pointed at production…): the policy engine, not this table, decides its verdict.
 */
import { workloadKey, WORKLOADS } from './cluster-spec.js';

export type Rhythm =
  | { kind: 'business' }
  | { kind: 'steady' }
  | { kind: 'scrape' }
  /** A CronJob: active `minutes` long from `hour`:00 UTC each day. */
  | { kind: 'cron'; hour: number; minutes: number };

export interface ConnectionSpec {
  id: string;
  /** `ns/workload`, or `ext:<external id>`. */
  from: string;
  to: string;
  protocol: 'TCP' | 'UDP';
  port: number;
  /** Connection attempts per minute at the daily peak. */
  perMinute: number;
  /** Mean bytes per connection, client → server and server → client. */
  bytesOut: number;
  bytesIn: number;
  rhythm: Rhythm;
  /** False: no policy allows it on purpose. */
  intended: boolean;
  /** Allowed by a namespace-wide policy (DNS, scrapes), so no per-workload rule is written. */
  shared?: 'dns' | 'scrape';
}

const BUSINESS: Rhythm = { kind: 'business' };
const STEADY: Rhythm = { kind: 'steady' };
const cron = (hour: number, minutes = 30): Rhythm => ({ kind: 'cron', hour, minutes });

type Opt = Partial<Pick<ConnectionSpec, 'protocol' | 'rhythm' | 'intended' | 'shared'>>;

function c(
  from: string,
  to: string,
  port: number,
  perMinute: number,
  bytesOut: number,
  bytesIn: number,
  opt: Opt = {},
): ConnectionSpec {
  const protocol = opt.protocol ?? 'TCP';
  return {
    id: `${from}>${to}:${port}/${protocol}`,
    from,
    to,
    protocol,
    port,
    perMinute,
    bytesOut,
    bytesIn,
    rhythm: opt.rhythm ?? BUSINESS,
    intended: opt.intended ?? true,
    ...(opt.shared ? { shared: opt.shared } : {}),
  };
}

const APP: ConnectionSpec[] = [
  c('ext:internet-clients', 'ingress-nginx/ingress-nginx-controller', 443, 300, 2_000, 40_000),
  c('ext:internet-clients', 'ingress-nginx/ingress-nginx-controller', 80, 40, 500, 900),
  c('ingress-nginx/ingress-nginx-controller', 'frontend/web', 8080, 260, 2_400, 35_000),
  c('ingress-nginx/ingress-nginx-controller', 'frontend/static-assets', 8080, 180, 800, 60_000),
  c('ingress-nginx/ingress-nginx-controller', 'frontend/storefront-bff', 8080, 90, 1_800, 9_000),
  c('ingress-nginx/ingress-nginx-controller', 'ingress-nginx/default-backend', 8080, 4, 400, 300),
  c('ingress-nginx/ingress-nginx-controller', 'monitoring/grafana', 3000, 2, 1_500, 25_000),
  c('frontend/web', 'frontend/storefront-bff', 8080, 220, 1_600, 12_000),
  c('frontend/web', 'frontend/session-cache', 6379, 300, 200, 900),
  c('frontend/web', 'frontend/feature-flags', 8080, 20, 300, 2_000),
  c('frontend/web', 'frontend/i18n', 8080, 12, 300, 6_000),
  c('frontend/image-resizer', 'frontend/static-assets', 8080, 8, 90_000, 400),
  c('frontend/storefront-bff', 'catalog/catalog-api', 8080, 140, 900, 14_000),
  c('frontend/storefront-bff', 'checkout/cart', 8080, 50, 800, 3_000),
  c('frontend/storefront-bff', 'checkout/checkout-api', 8080, 14, 2_200, 2_500),
  c('frontend/storefront-bff', 'orders/orders-api', 8080, 20, 700, 5_000),
  c('frontend/storefront-bff', 'catalog/recommendations', 8080, 35, 600, 7_000),
  c('frontend/storefront-bff', 'catalog/reviews', 8080, 18, 500, 8_000),
  c('checkout/checkout-api', 'checkout/cart', 8080, 28, 600, 2_500),
  c('checkout/checkout-api', 'checkout/promo-engine', 8080, 14, 500, 800),
  c('checkout/checkout-api', 'checkout/tax-calculator', 8080, 14, 600, 500),
  c('checkout/checkout-api', 'checkout/shipping-quotes', 8080, 14, 500, 1_200),
  c('checkout/checkout-api', 'payments/payments-api', 8443, 10, 2_500, 1_800),
  c('checkout/checkout-api', 'orders/orders-api', 8080, 10, 3_000, 900),
  c('checkout/checkout-api', 'catalog/inventory', 8080, 14, 400, 600),
  c('checkout/cart', 'checkout/cart-redis', 6379, 140, 300, 1_100),
  c('checkout/cart', 'catalog/pricing', 8080, 50, 400, 1_500),
  c('checkout/checkout-worker', 'orders/kafka', 9092, 8, 4_000, 600, { rhythm: STEADY }),
  c('payments/payments-api', 'payments/fraud-scoring', 8080, 10, 1_800, 400),
  c('payments/payments-api', 'payments/gateway-adapter', 8080, 10, 1_500, 900),
  c('payments/payments-api', 'payments/payments-db', 5432, 30, 900, 2_500),
  c('payments/payments-api', 'payments/ledger', 8080, 10, 700, 400),
  c('payments/gateway-adapter', 'ext:payment-gateway', 443, 10, 3_200, 6_500),
  c('payments/refunds', 'payments/payments-db', 5432, 2, 700, 1_800),
  c('payments/refunds', 'payments/gateway-adapter', 8080, 1, 1_500, 900),
  c('payments/ledger', 'payments/payments-db', 5432, 20, 800, 1_500),
  c('payments/ledger', 'ext:ntp', 123, 1, 76, 76, { protocol: 'UDP', rhythm: STEADY }),
  c('payments/settlement', 'payments/payments-db', 5432, 20, 2_000, 90_000, { rhythm: cron(1) }),
  c('payments/settlement', 'payments/gateway-adapter', 8080, 6, 4_000, 8_000, {
    rhythm: cron(1),
  }),
  c('catalog/catalog-api', 'catalog/catalog-db', 5432, 100, 500, 6_000),
  c('catalog/catalog-api', 'catalog/search', 9200, 70, 700, 18_000),
  c('catalog/catalog-api', 'catalog/pricing', 8080, 50, 400, 1_200),
  c('catalog/catalog-api', 'catalog/inventory', 8080, 25, 400, 700),
  c('catalog/search', 'catalog/search', 9300, 12, 20_000, 20_000, { rhythm: STEADY }),
  c('catalog/pricing', 'catalog/catalog-db', 5432, 35, 400, 2_000),
  c('catalog/inventory', 'catalog/catalog-db', 5432, 20, 400, 900),
  c('catalog/recommendations', 'catalog/search', 9200, 20, 800, 12_000),
  c('catalog/reviews', 'catalog/catalog-db', 5432, 10, 400, 5_000),
  c('catalog/catalog-importer', 'ext:package-mirrors', 443, 6, 1_200, 900_000, {
    rhythm: cron(3),
  }),
  c('catalog/catalog-importer', 'catalog/catalog-db', 5432, 30, 30_000, 2_000, {
    rhythm: cron(3),
  }),
  c('catalog/catalog-importer', 'catalog/search', 9200, 20, 60_000, 1_500, { rhythm: cron(3) }),
  c('orders/orders-api', 'orders/orders-db', 5432, 70, 700, 4_000),
  c('orders/orders-api', 'orders/kafka', 9092, 20, 1_800, 300),
  c('orders/orders-api', 'orders/shipping', 8080, 10, 700, 900),
  c('orders/orders-api', 'orders/invoicing', 8080, 7, 900, 20_000),
  c('orders/returns', 'orders/orders-db', 5432, 4, 600, 2_000),
  c('orders/returns', 'payments/refunds', 8080, 1, 900, 600),
  c('orders/invoicing', 'orders/orders-db', 5432, 7, 500, 3_000),
  c('orders/order-events', 'orders/kafka', 9092, 20, 300, 6_000, { rhythm: STEADY }),
  c('orders/order-events', 'orders/notifications', 8080, 7, 1_200, 200),
  c('orders/notifications', 'ext:messaging-api', 443, 7, 1_500, 800),
  c('orders/kafka', 'orders/kafka', 9092, 20, 30_000, 800, { rhythm: STEADY }),
  c('batch/etl-worker', 'orders/orders-db', 5432, 4, 600, 40_000, { rhythm: STEADY }),
  c('batch/etl-worker', 'catalog/catalog-db', 5432, 4, 600, 30_000, { rhythm: STEADY }),
  c('batch/data-export', 'orders/orders-db', 5432, 10, 800, 400_000, { rhythm: cron(2) }),
  c('batch/report-generator', 'orders/orders-db', 5432, 10, 900, 150_000, { rhythm: cron(6) }),
  c('batch/report-generator', 'catalog/catalog-db', 5432, 6, 900, 80_000, { rhythm: cron(6) }),
  c('batch/backup', 'payments/payments-db', 5432, 4, 500, 3_000_000, { rhythm: cron(0, 45) }),
  c('batch/backup', 'orders/orders-db', 5432, 4, 500, 2_000_000, { rhythm: cron(0, 45) }),
  c('batch/backup', 'catalog/catalog-db', 5432, 4, 500, 1_500_000, { rhythm: cron(0, 45) }),
  c('batch/ml-training', 'catalog/catalog-db', 5432, 3, 600, 200_000, { rhythm: STEADY }),
  c('batch/ml-training', 'ext:package-mirrors', 443, 0.5, 800, 2_000_000, { rhythm: STEADY }),
  c('batch/airflow-scheduler', 'batch/etl-worker', 9090, 2, 300, 1_000, { rhythm: STEADY }),
  c('monitoring/prometheus', 'monitoring/alertmanager', 9093, 1, 2_000, 300, { rhythm: STEADY }),
  c('monitoring/grafana', 'monitoring/prometheus', 9090, 8, 600, 20_000),
  c('monitoring/grafana', 'monitoring/loki', 3100, 2, 600, 40_000),
  c('monitoring/promtail', 'monitoring/loki', 3100, 20, 30_000, 200, { rhythm: STEADY }),
  c('monitoring/blackbox-exporter', 'ingress-nginx/ingress-nginx-controller', 443, 2, 600, 4_000, {
    rhythm: STEADY,
  }),
  c('kube-system/coredns', 'ext:dns-resolvers', 53, 25, 70, 140, {
    protocol: 'UDP',
    rhythm: STEADY,
  }),
  c('dev-sandbox/toolbox', 'ext:package-mirrors', 443, 0.5, 900, 400_000),
  c('dev-sandbox/jupyter', 'ext:package-mirrors', 443, 0.3, 900, 900_000),
  c('dev-sandbox/toolbox', 'dev-sandbox/test-api', 8080, 2, 600, 1_500),
  c('dev-sandbox/test-api', 'dev-sandbox/scratch-redis', 6379, 4, 200, 600),
  // Traffic nobody wrote a policy for: the engine denies it (stale routes, test setups, …).
  c('dev-sandbox/test-api', 'catalog/catalog-api', 8080, 0.8, 600, 0, { intended: false }),
  c('dev-sandbox/toolbox', 'kube-system/metrics-server', 10250, 0.3, 300, 0, {
    intended: false,
  }),
  c('monitoring/prometheus', 'batch/airflow-scheduler', 8793, 1, 200, 0, {
    intended: false,
    rhythm: { kind: 'scrape' },
  }),
  c('ingress-nginx/ingress-nginx-controller', 'catalog/catalog-api', 8080, 1, 900, 0, {
    intended: false,
  }),
  c('frontend/web', 'checkout/promo-engine', 8080, 1, 500, 0, { intended: false }),
  c('payments/fraud-scoring', 'ext:package-mirrors', 443, 0.3, 600, 0, {
    intended: false,
    rhythm: STEADY,
  }),
  c('orders/shipping', 'ext:carrier-api', 443, 0.5, 800, 0, { intended: false }),
  c('batch/report-generator', 'payments/payments-db', 5432, 3, 400, 0, {
    intended: false,
    rhythm: cron(6),
  }),
];

/** Prometheus scrapes every workload that exposes a port named `metrics`. */
function scrapes(): ConnectionSpec[] {
  return WORKLOADS.filter((wl) => wl.ports.some((p) => p.name === 'metrics')).map((wl) => {
    const port = wl.ports.find((p) => p.name === 'metrics')?.port ?? 9090;
    return c('monitoring/prometheus', workloadKey(wl), port, 2, 250, 14_000, {
      rhythm: { kind: 'scrape' },
      shared: 'scrape',
    });
  });
}

/** Every calling workload resolves names through CoreDNS, at a rate that follows its calls. */
function dnsLookups(app: readonly ConnectionSpec[]): ConnectionSpec[] {
  const rate = new Map<string, { perMinute: number; rhythm: Rhythm }>();
  for (const conn of app) {
    if (conn.from.startsWith('ext:') || conn.from === 'kube-system/coredns') continue;
    const cur = rate.get(conn.from);
    rate.set(conn.from, {
      perMinute: (cur?.perMinute ?? 0) + conn.perMinute,
      rhythm: cur?.rhythm ?? conn.rhythm,
    });
  }
  return [...rate.entries()].map(([from, r]) =>
    // Resolvers cache answers for their TTL, so lookups follow new connections only loosely.
    c(from, 'kube-system/coredns', 53, Math.min(20, Math.max(0.1, r.perMinute * 0.08)), 70, 130, {
      protocol: 'UDP',
      rhythm: r.rhythm,
      shared: 'dns',
    }),
  );
}

export const CONNECTIONS: readonly ConnectionSpec[] = [...APP, ...scrapes(), ...dnsLookups(APP)];
