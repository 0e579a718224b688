import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { REPO_ROOT } from '../../testing/netsec-cli.js';
import { allowedPortsBetween } from './allowed-ports.js';
import { parseFlow } from './flow-endpoint.js';
import {
  buildClusterModel,
  type ClusterModel,
  evaluateConnection,
  formatPortSet,
  podEndpoint,
  subtractPortSets,
  unionPortSets,
  workloadDisplayName,
} from './index.js';
import { applyChanges } from './policy-spec.js';
import { suggestChange } from './suggest.js';

const flow = (text: string) => {
  const p = parseFlow(text);
  if ('error' in p) throw new Error(p.error);
  return p.flow;
};

// web and web-canary are different workloads with the same stable label app=web.
const { model } = buildClusterModel({
  namespaces: [{ name: 'a' }],
  pods: [
    {
      namespace: 'a',
      name: 'web-1',
      labels: { app: 'web', 'pod-template-hash': 'abc' },
      ip: '10.0.0.1',
      workload: { kind: 'Deployment', namespace: 'a', name: 'web' },
    },
    {
      namespace: 'a',
      name: 'web-2',
      labels: { app: 'web', 'pod-template-hash': 'abc' },
      ip: '10.0.0.2',
      workload: { kind: 'Deployment', namespace: 'a', name: 'web' },
    },
    {
      namespace: 'a',
      name: 'canary-1',
      labels: { app: 'web', track: 'canary' },
      ip: '10.0.0.3',
      workload: { kind: 'Deployment', namespace: 'a', name: 'web-canary' },
    },
    {
      namespace: 'a',
      name: 'api-1',
      labels: { app: 'api' },
      ip: '10.0.0.4',
      workload: { kind: 'Deployment', namespace: 'a', name: 'api' },
    },
  ],
  policies: [
    {
      namespace: 'a',
      name: 'default-deny',
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    },
  ],
});

/** Newly allowed ports between workloads, computed pod pair by pod pair. */
function perPodGain(before: ClusterModel, after: ClusterModel): Map<string, string> {
  const gained = new Map<string, ReturnType<typeof allowedPortsBetween>>();
  for (const s of before.pods)
    for (const d of before.pods) {
      if (workloadDisplayName(s.workload) === workloadDisplayName(d.workload)) continue;
      const b = allowedPortsBetween(before, { kind: 'pod', pod: s }, { kind: 'pod', pod: d });
      const a = allowedPortsBetween(
        after,
        podEndpoint(after, `${s.namespace}/${s.name}`)!,
        podEndpoint(after, `${d.namespace}/${d.name}`)!,
      );
      const key = `${workloadDisplayName(s.workload)} => ${workloadDisplayName(d.workload)}`;
      const g = subtractPortSets(a, b);
      gained.set(key, gained.has(key) ? unionPortSets(gained.get(key)!, g) : g);
    }
  return new Map(
    [...gained]
      .map(([k, v]): [string, string] => [k, formatPortSet(v)])
      .filter(([, v]) => v !== 'none'),
  );
}

describe('suggestChange', () => {
  it('creates policies on stable labels and reports the blast radius exactly', () => {
    const s = suggestChange(model, flow('a/web -> a/api 80/TCP'));
    expect(s.alreadyAllowed).toBe(false);
    expect(s.changes.map((c) => `${c.direction} ${c.action} ${c.policy}`)).toEqual([
      'egress create a/allow-egress-web-to-api-80-tcp',
      'ingress create a/allow-ingress-api-from-web-80-tcp',
    ]);
    expect(JSON.stringify(s.changes)).not.toContain('pod-template-hash');
    expect(s.changes[1]!.manifest.spec).toEqual({
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { app: 'web' } } }],
          ports: [{ protocol: 'TCP', port: 80 }],
        },
      ],
    });
    expect(s.verified).toBe(true);
    const after = applyChanges(
      model,
      s.changes.map((c) => c.manifest),
    );
    for (const src of ['a/web-1', 'a/web-2'])
      expect(
        evaluateConnection(
          after,
          podEndpoint(after, src)!,
          podEndpoint(after, 'a/api-1')!,
          'TCP',
          80,
        ).allowed,
      ).toBe(true);
    // The canary shares app=web: it is the blast radius, and nothing else is.
    const blast = new Map(
      s.blastRadius.map((c) => [`${c.src.name} => ${c.dst.name}`, formatPortSet(c.ports)]),
    );
    expect(blast).toEqual(new Map([['a/web-canary[Deployment] => a/api[Deployment]', 'TCP 80']]));
    const independent = perPodGain(model, after);
    independent.delete('a/web[Deployment] => a/api[Deployment]');
    expect(blast).toEqual(independent);
    expect(s.notes.join()).toMatch(/also select 1 other pod/);
  });

  it('edits the existing policy that selects exactly the workload', () => {
    const shop = buildClusterModel({
      namespaces: [{ name: 'a' }],
      pods: model.pods.map((p) => ({
        namespace: p.namespace,
        name: p.name,
        labels: Object.fromEntries(p.labels),
        ip: p.ip,
        workload: p.workload,
      })),
      policies: [
        {
          namespace: 'a',
          name: 'api',
          spec: {
            podSelector: { matchLabels: { app: 'api' } },
            ingress: [
              {
                from: [{ podSelector: { matchLabels: { track: 'canary' } } }],
                ports: [{ port: 443 }],
              },
            ],
          },
        },
      ],
    }).model;
    const s = suggestChange(shop, flow('a/web-1 -> a/api-1 80/TCP'));
    expect(s.changes).toHaveLength(1);
    expect(s.changes[0]).toMatchObject({ direction: 'ingress', action: 'edit', policy: 'a/api' });
    expect(s.changes[0]!.manifest.spec.ingress).toHaveLength(2);
    expect(s.verified).toBe(true);
  });

  it('uses a /32 ipBlock for an external peer, and says when nothing is needed', () => {
    const s = suggestChange(model, flow('a/api -> 198.51.100.7 443/TCP'));
    expect(s.changes).toHaveLength(1);
    expect(s.changes[0]!.manifest.spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '198.51.100.7/32' } }], ports: [{ protocol: 'TCP', port: 443 }] },
    ]);
    expect(s.blastRadius).toEqual([]);
    expect(s.verified).toBe(true);
    const open = buildClusterModel({
      pods: [{ namespace: 'x', name: 'p', labels: { app: 'p' } }],
    }).model;
    expect(suggestChange(open, flow('x/p -> 203.0.113.1 53/UDP'))).toMatchObject({
      alreadyAllowed: true,
      changes: [],
    });
  });

  it('suggests for the shop fixture without volatile labels', async () => {
    const { loadClusterModel } = await import('../../services/cluster-model-service.js');
    const shop = (await loadClusterModel([join(REPO_ROOT, 'src/testing/fixtures/manifests/shop')]))
      .model;
    const s = suggestChange(shop, flow('shop-web/frontend -> payments/payments 50051/TCP'));
    expect(s.changes.map((c) => `${c.direction} ${c.action} ${c.policy}`)).toEqual([
      'egress edit shop-web/frontend',
      'ingress edit payments/payments',
    ]);
    expect(JSON.stringify(s.changes)).not.toContain('pod-template-hash');
    expect(JSON.stringify(s.changes[1]!.manifest)).toContain(
      '"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"shop-web"}},"podSelector":{"matchLabels":{"app.kubernetes.io/name":"frontend"}}',
    );
    expect(s.blastRadius).toEqual([]);
    expect(s.verified).toBe(true);

    // Only namespace-wide policies (4 pods) isolate cart-redis for egress: a new policy.
    const r = suggestChange(shop, flow('shop/cart-redis -> 198.51.100.7 443/TCP'));
    expect(r.changes.map((c) => `${c.direction} ${c.action} ${c.policy}`)).toEqual([
      'egress create shop/allow-egress-cart-redis-to-198-51-100-7-443-tcp',
    ]);
    expect(r.changes[0]!.reason).toMatch(
      /select more pods \(shop\/allow-dns: 4, shop\/default-deny: 4\) than the new policy \(1\)/,
    );

    // A namespace-wide policy selecting just as many pods is not edited either: pods created
    // there later would be opened too.
    const solo = buildClusterModel({
      pods: [{ namespace: 's', name: 'solo', labels: { app: 'solo' } }],
      policies: [
        { namespace: 's', name: 'deny', spec: { podSelector: {}, policyTypes: ['Egress'] } },
      ],
    }).model;
    const t = suggestChange(solo, flow('s/solo -> 192.0.2.1 80/TCP'));
    expect(t.changes[0]).toMatchObject({
      action: 'create',
      policy: 's/allow-egress-solo-to-192-0-2-1-80-tcp',
    });
    expect(t.changes[0]!.reason).toMatch(/select the whole namespace \(s\/deny: 1\)/);
    expect(r.changes[0]!.manifest.spec.podSelector).toEqual({
      matchLabels: { 'app.kubernetes.io/name': 'cart-redis' },
    });
    expect(r.verified).toBe(true);
    expect(r.blastRadius).toEqual([]);
  });
});

describe('parseFlow', () => {
  it('reads the flow syntax and rejects the rest', () => {
    expect(parseFlow('a/b -> 10.0.0.0/8 53/udp')).toEqual({
      flow: { from: 'a/b', to: '10.0.0.0/8', port: 53, protocol: 'UDP' },
    });
    expect(parseFlow('a/b -> c/d 8080')).toMatchObject({ flow: { protocol: 'TCP', port: 8080 } });
    expect(parseFlow('a/b c/d 80')).toHaveProperty('error');
    expect(parseFlow('a/b -> c/d 70000/TCP')).toHaveProperty('error');
    expect(parseFlow('a/b -> c/d 80/ICMP')).toHaveProperty('error');
  });
});
