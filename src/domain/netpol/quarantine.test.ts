import { join } from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { loadClusterModel } from '../../services/cluster-model-service.js';
import { REPO_ROOT } from '../../testing/netsec-cli.js';
import {
  type ClusterModel,
  evaluateConnection,
  formatPortSet,
  ipEndpoint,
  podEndpoint,
} from './index.js';
import { applyChanges } from './policy-spec.js';
import { findWorkload, quarantinePlan } from './quarantine.js';

let shop: ClusterModel;
beforeAll(async () => {
  shop = (await loadClusterModel([join(REPO_ROOT, 'src/testing/fixtures/manifests/shop')])).model;
});

const pod = (m: ClusterModel, key: string) => podEndpoint(m, key)!;
const lines = (
  list: {
    src: { name: string };
    dst: { name: string };
    ports: Parameters<typeof formatPortSet>[0];
  }[],
) => list.map((c) => `${c.src.name} => ${c.dst.name} : ${formatPortSet(c.ports)}`);

describe('quarantinePlan', () => {
  it('cuts everything of a workload that no other policy selects', () => {
    const plan = quarantinePlan(shop, 'monitoring/Deployment/prometheus');
    expect(plan.policy.spec).toEqual({
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      policyTypes: ['Ingress', 'Egress'],
    });
    expect(plan.remaining).toEqual([]);
    expect(lines(plan.cut)).toContain(
      'monitoring/prometheus[Deployment] => shop/cart[Deployment] : TCP 9090',
    );
    const after = applyChanges(shop, [plan.policy]);
    const prom = 'monitoring/prometheus-template';
    expect(
      evaluateConnection(shop, pod(shop, prom), pod(shop, 'shop/cart-template'), 'TCP', 9090)
        .allowed,
    ).toBe(true);
    expect(
      evaluateConnection(after, pod(after, prom), pod(after, 'shop/cart-template'), 'TCP', 9090)
        .allowed,
    ).toBe(false);
    expect(
      evaluateConnection(after, ipEndpoint('198.51.100.1')!, pod(after, prom), 'TCP', 9090).allowed,
    ).toBe(false);
  });

  it('says which policies still allow traffic, and the label approach cuts it', () => {
    const plan = quarantinePlan(shop, 'shop/deployment/cart', { keepDns: true });
    expect(plan.cut).toEqual([]);
    const still = plan.remaining.map(
      (r) =>
        `${r.connection.src.name} => ${r.connection.dst.name} by ${r.allowedBy.map((a) => a.policy).join('+')}`,
    );
    expect(still).toContain('shop-web/frontend[Deployment] => shop/cart[Deployment] by shop/cart');
    expect(still).toContain(
      'shop/cart[Deployment] => kube-system/coredns[Deployment] by shop/allow-dns+shop/netsec-quarantine-cart',
    );

    const la = plan.labelApproach;
    expect(la.patched.map((m) => m.metadata.name)).toEqual([
      'allow-dns',
      'allow-metrics-scrape',
      'cart',
    ]);
    expect(la.patched[2]!.spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'cart' },
      matchExpressions: [{ key: 'netsec.io/quarantine', operator: 'NotIn', values: ['true'] }],
    });
    expect(lines(la.cut)).toEqual([
      'monitoring/prometheus[Deployment] => shop/cart[Deployment] : TCP 9090',
      'shop-web/frontend[Deployment] => shop/cart[Deployment] : TCP 7070',
      'shop/cart[Deployment] => shop/cart-redis[StatefulSet] : TCP 6379',
      'shop/checkout[Deployment] => shop/cart[Deployment] : TCP 7070',
    ]);
    expect(la.remaining.map((r) => r.kept)).toEqual([true]);

    // Proof with the evaluator on the labelled model.
    const cart = findWorkload(shop, 'shop/Deployment/cart');
    if ('error' in cart) throw new Error(cart.error);
    const after = applyChanges(
      shop,
      [la.denyPolicy, ...la.patched],
      new Map(cart.pods.map((p) => [p.id, { 'netsec.io/quarantine': 'true' }])),
    );
    const c = pod(after, 'shop/cart-template');
    expect(
      evaluateConnection(after, pod(after, 'shop-web/frontend-6d9f7c8b5-x2x7q'), c, 'TCP', 7070)
        .allowed,
    ).toBe(false);
    expect(
      evaluateConnection(after, c, pod(after, 'shop/cart-redis-template'), 'TCP', 6379).allowed,
    ).toBe(false);
    expect(
      evaluateConnection(after, c, pod(after, 'kube-system/coredns-template'), 'UDP', 53).allowed,
    ).toBe(true);
    // Other pods keep their connections.
    expect(
      evaluateConnection(
        after,
        pod(after, 'shop-web/frontend-6d9f7c8b5-x2x7q'),
        pod(after, 'shop/catalog-template'),
        'TCP',
        3550,
      ).allowed,
    ).toBe(true);
  });

  it('keeps monitoring scrapes on named metrics ports', () => {
    const plan = quarantinePlan(shop, 'payments/Deployment/payments', {
      keepMonitoring: 'monitoring',
    });
    expect(plan.policy.spec.ingress).toEqual([
      {
        from: [
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } },
        ],
        ports: [{ protocol: 'TCP', port: 'metrics' }],
      },
    ]);
    expect(
      plan.labelApproach.remaining.map(
        (r) => `${r.connection.src.name} ${formatPortSet(r.connection.ports)} ${r.kept}`,
      ),
    ).toEqual(['monitoring/prometheus[Deployment] TCP 9090 true']);
  });

  it('rejects unknown workloads', () => {
    expect(() => quarantinePlan(shop, 'shop/Deployment/nope')).toThrow(/unknown workload/);
    expect(() => quarantinePlan(shop, 'shop/cart')).toThrow(/expected/);
  });
});
