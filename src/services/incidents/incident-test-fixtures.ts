/** Fixtures of the incident service and route tests: a small cluster, findings, a kubeconfig. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Finding } from '../../domain/detect/finding.js';
import type { FlowRef } from '../../domain/incident/types.js';
import { buildClusterModel, type ClusterModel } from '../../domain/netpol/index.js';

export const T = Date.UTC(2026, 2, 10, 9);

/** shop/web (Deployment) calls payments/api on 5432, which a default-deny ingress policy blocks. */
export function incidentModel(): ClusterModel {
  return buildClusterModel({
    namespaces: [
      { name: 'shop', labels: { 'netsec.io/owner': 'shop-team' } },
      { name: 'payments' },
    ],
    workloads: [
      { kind: 'Deployment', namespace: 'shop', name: 'web', template: { labels: { app: 'web' } } },
      {
        kind: 'Deployment',
        namespace: 'payments',
        name: 'api',
        template: { labels: { app: 'api' }, ports: [{ containerPort: 5432 }] },
      },
    ],
    policies: [
      {
        namespace: 'payments',
        name: 'default-deny',
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      },
    ],
  }).model;
}

export function findingFixture(over: Partial<Finding> = {}): Finding {
  return {
    id: 'f-scan',
    key: 'port-scan|c1|shop|Deployment/web|payments/api',
    type: 'port-scan',
    severity: 'high',
    confidence: 0.9,
    start: T - 30 * 60_000,
    end: T - 60_000,
    status: 'open',
    subject: { cluster: 'c1', namespace: 'shop', workload: 'Deployment/web', peer: 'payments/api' },
    evidence: {
      unit: 'flows',
      observed: 40,
      usual: null,
      spread: null,
      distinctPorts: 40,
      distinctHosts: 1,
      ratePerMin: 40,
      extra: {},
    },
    explanation: 'shop/web tried 40 ports of payments/api <!channel>',
    samples: ['port 22'],
    updatedAt: T,
    ...over,
  };
}

export const deniedFlow: FlowRef = {
  time: T - 10 * 60_000,
  cluster: 'c1',
  src: { namespace: 'shop', pod: null, workload: 'web' },
  dst: { namespace: 'payments', pod: null, workload: 'api' },
  protocol: 'TCP',
  port: 5432,
  verdict: 'denied',
};

/** A kubeconfig that points at a local (fake) API server. */
export function writeKubeconfig(dir: string, server: string): string {
  const path = join(dir, 'kubeconfig.yaml');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters: [{ name: fake, cluster: { server: "' +
        server +
        '", insecure-skip-tls-verify: true } }]',
      'users: [{ name: fake, user: { token: test-token } }]',
      'contexts: [{ name: fake, context: { cluster: fake, user: fake } }]',
      'current-context: fake',
      '',
    ].join('\n'),
  );
  return path;
}
