/** Fixtures for the review tests: findings, a small cluster model and a context on a temp store. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type Config, CONFIG_DEFAULTS } from '../api/config-schema.js';
import type { Finding } from '../domain/detect/finding.js';
import { buildClusterModel, type ClusterModel } from '../domain/netpol/index.js';
import { buildServices, openFlowStore, type Services } from '../services/config-store.js';

export const RT = Date.UTC(2026, 0, 20, 12);
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function reviewFinding(over: Partial<Finding> = {}): Finding {
  return {
    id: 'f1',
    key: 'port-scan|prod|shop|Deployment/web',
    type: 'port-scan',
    severity: 'high',
    confidence: 0.9,
    start: RT - 2 * HOUR,
    end: RT - HOUR,
    status: 'closed',
    subject: {
      cluster: 'prod',
      namespace: 'shop',
      workload: 'Deployment/web',
      peer: 'payments/Deployment/api',
    },
    evidence: {
      unit: 'flows',
      observed: 40,
      usual: null,
      spread: null,
      distinctPorts: 40,
      distinctHosts: 1,
      ratePerMin: 4,
      extra: {},
    },
    explanation: 'tried 40 ports',
    samples: ['22'],
    updatedAt: RT - HOUR,
    ...over,
  };
}

/** Two namespaces; `isolated` puts a default-deny policy on `shop` (both directions). */
export function reviewModel(isolated: boolean): ClusterModel {
  const pod = (namespace: string, name: string) => ({
    namespace,
    name: `${name}-1`,
    labels: { app: name },
    ip: null,
    workload: { kind: 'Deployment', namespace, name },
  });
  return buildClusterModel({
    namespaces: [{ name: 'shop' }, { name: 'payments' }],
    pods: [pod('shop', 'web'), pod('shop', 'cart'), pod('payments', 'api')],
    policies: isolated
      ? [
          {
            namespace: 'shop',
            name: 'default-deny',
            spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
          },
        ]
      : [],
  }).model;
}

export interface ReviewHarness {
  services: Services;
  config: Config;
  clock: { now: number };
  model: { current: ClusterModel | null };
  close(): Promise<void>;
}

export async function reviewHarness(tune?: (c: Config) => void): Promise<ReviewHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-review-'));
  const config = structuredClone(CONFIG_DEFAULTS);
  config.store.path = join(dir, 'netsec.db');
  tune?.(config);
  const clock = { now: RT };
  const model: { current: ClusterModel | null } = { current: null };
  const services = buildServices(await openFlowStore(config), {
    config,
    now: () => clock.now,
    model: () => model.current,
    groupCommit: false,
  });
  return {
    services,
    config,
    clock,
    model,
    close: async () => {
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
