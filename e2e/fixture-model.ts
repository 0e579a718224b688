/**
 * The cluster model behind the fixture flows: the same namespaces, pods and IPs, and the
 * NetworkPolicies that explain the denials (payments and orders deny by default; batch/report
 * has no allow to payments/db; dev-sandbox may only resolve names).
 */
import {
  buildClusterModel,
  type ClusterInput,
  type ClusterModel,
} from '../src/domain/netpol/index.js';
import { NAMESPACE_WORKLOADS, pod } from './fixture-data.js';

const allowFrom = (ns: string, app: string, port: number) => ({
  from: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
      podSelector: { matchLabels: { app } },
    },
  ],
  ports: [{ protocol: 'TCP', port }],
});

export function fixtureModel(): ClusterModel {
  const input: ClusterInput = { namespaces: [], pods: [], policies: [] };
  for (const [ns, workloads] of Object.entries(NAMESPACE_WORKLOADS)) {
    input.namespaces!.push({ name: ns });
    for (const wl of workloads) {
      const e = pod(ns, wl);
      input.pods!.push({
        namespace: ns,
        name: e.pod!,
        labels: e.labels,
        ip: e.ip,
        workload: { kind: 'Deployment', namespace: ns, name: wl },
      });
    }
  }
  input.policies!.push(
    {
      namespace: 'payments',
      name: 'default-deny',
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
    {
      namespace: 'payments',
      name: 'allow-checkout-to-api',
      spec: {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [allowFrom('checkout', 'api', 8443), allowFrom('monitoring', 'prometheus', 9090)],
      },
    },
    {
      namespace: 'payments',
      name: 'allow-db-clients',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          allowFrom('payments', 'api', 5432),
          allowFrom('payments', 'ledger', 5432),
          allowFrom('batch', 'backup', 5432),
        ],
      },
    },
    {
      namespace: 'orders',
      name: 'default-deny',
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
    {
      namespace: 'orders',
      name: 'allow-api',
      spec: {
        podSelector: { matchLabels: { app: 'api' } },
        ingress: [allowFrom('frontend', 'bff', 8080)],
      },
    },
    {
      namespace: 'orders',
      name: 'allow-db-clients',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [allowFrom('orders', 'api', 5432), allowFrom('batch', 'etl', 5432)],
      },
    },
    {
      namespace: 'dev-sandbox',
      name: 'deny-egress',
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' },
                },
              },
            ],
            ports: [{ protocol: 'UDP', port: 53 }],
          },
        ],
      },
    },
  );
  return buildClusterModel(input).model;
}
