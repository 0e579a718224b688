import { fileURLToPath } from 'node:url';

import { beforeAll, describe, expect, it } from 'vitest';

import type { Flow } from '../domain/flow.js';
import { parseCidr } from '../domain/ip.js';
import type { ClusterModel } from '../domain/netpol/index.js';
import { createParser } from '../formats/registry.js';
import { bareEndpoint, makeFlow, podEndpoint } from '../store/contract/flow-fixtures.js';
import { ClusterEnricher } from './cluster-enricher.js';
import { loadClusterModel } from './cluster-model-service.js';

const SHOP = fileURLToPath(new URL('../testing/fixtures/manifests/shop/', import.meta.url));

function parseOne(format: 'goldmane' | 'accountant' | 'hubble', lines: string[]): Flow {
  const p = createParser(format, { cluster: 'c1', namedCidrs: [] });
  const flows: Flow[] = [];
  lines.forEach((l, i) => flows.push(...p.parseLine(l, i + 1).flows));
  flows.push(...p.finish().flows);
  const f = flows[0];
  if (!f) throw new Error(`no flow from ${format}`);
  return f;
}

/** A flow carrying exactly these endpoint objects (makeFlow copies its overrides). */
const flowWith = (src: Flow['src'], dst?: Flow['dst'], cluster = 'c1'): Flow => {
  const f = makeFlow({ cluster });
  return { ...f, src, dst: dst ?? f.dst };
};

const bare = bareEndpoint;

describe('ClusterEnricher with the shop manifests', () => {
  let model: ClusterModel;
  let enricher: ClusterEnricher;
  beforeAll(async () => {
    const loaded = await loadClusterModel([SHOP]);
    model = loaded.model;
    enricher = new ClusterEnricher(model);
  });

  it('resolves an IP to its pod, the owner chain to the Deployment, and fills the labels', () => {
    const f = flowWith(bare('10.1.0.11'), bare('10.1.0.12'));
    const out = enricher.enrich(f);
    expect(out.src).toMatchObject({
      kind: 'pod',
      namespace: 'shop-web',
      pod: 'frontend-6d9f7c8b5-x2x7q',
      workload: { kind: 'Deployment', name: 'frontend' },
      externalGroup: null,
    });
    expect(out.src.labels).toMatchObject({ app: 'frontend', tier: 'web' });
    expect(out.dst.pod).toBe('frontend-6d9f7c8b5-k8fj2');
    // The input flow is not mutated.
    expect(f.src.workload).toBeNull();
  });

  it('fills the workload of an accountant flow (pod and IP, no workload) without losing its labels', () => {
    const line =
      'policy_accept_counter{pod="frontend-6d9f7c8b5-x2x7q",pod_namespace="shop-web",app="custom",ip="10.1.0.11/32",type="fw",policy="shop-web/knp.default.allow"}';
    const f = parseOne('accountant', [`${line} 10 1741080000000`, `${line} 25 1741080060000`]);
    expect(f.src.workload).toBeNull();
    const out = enricher.enrich(f);
    expect(out.src.workload).toEqual({ kind: 'Deployment', name: 'frontend' });
    // What the source reported wins over the model.
    expect(out.src.labels['app']).toBe('custom');
    expect(out.src.labels['tier']).toBe('web');
    expect(out.dst).toBe(f.dst);
  });

  it('fills the workload of a Goldmane flow whose pod name is aggregated', () => {
    const f = parseOne('goldmane', [
      JSON.stringify({
        start_time: '2025-03-04T09:15:00Z',
        end_time: '2025-03-04T09:15:15Z',
        action: 'Deny',
        source_name: 'frontend-6d9f7c8b5-*',
        source_namespace: 'shop-web',
        source_labels: 'app=frontend',
        dest_name: 'pub',
        dest_namespace: '',
        dest_labels: '',
        protocol: 'tcp',
        dest_port: 443,
        reporter: 'Src',
        policies: { enforced: [], pending: [] },
        packets_in: 0,
        packets_out: 3,
        bytes_in: 0,
        bytes_out: 180,
      }),
    ]);
    expect(f.src.workload).toBeNull();
    const out = enricher.enrich(f);
    expect(out.src.workload).toEqual({ kind: 'Deployment', name: 'frontend' });
    expect(out.src.pod).toBe('frontend-6d9f7c8b5-*');
    expect(out.dst).toEqual(f.dst);
  });

  it('never overwrites what the source reported', () => {
    const reported = podEndpoint('other-ns', 'someone', '10.1.0.11');
    const f = flowWith(reported);
    expect(enricher.enrich(f).src).toBe(reported);
    const named = { ...bare('10.1.0.11'), kind: 'pod' as const, namespace: 'shop-web', pod: 'x' };
    expect(enricher.enrich(flowWith(named)).src).toBe(named);
    const own = { ...bare('10.1.0.11'), workload: { kind: 'StatefulSet', name: 'mine' } };
    expect(enricher.enrich(flowWith(own)).src.workload).toEqual(own.workload);
  });

  it('marks IPs the model does not know as external, grouped by named CIDR, private or world', () => {
    const named = new ClusterEnricher(model, {
      namedCidrsFor: (c) =>
        c === 'c1' ? [{ name: 'partner', cidr: parseCidr('198.51.100.0/24')! }] : [],
    });
    const f = flowWith(bare('198.51.100.7'), bare('8.8.8.8'));
    const out = named.enrich(f);
    expect(out.src).toMatchObject({ kind: 'external', externalGroup: 'partner' });
    expect(out.dst).toMatchObject({ kind: 'external', externalGroup: 'world' });
    const other = named.enrich({ ...f, cluster: 'c2' });
    expect(other.src.externalGroup).toBe('world');
    expect(named.enrich(flowWith(bare('10.99.0.1'))).src.externalGroup).toBe('private');
  });

  it('leaves a flow without IPs or names, and host endpoints, as they are', () => {
    const f = flowWith({ ...bare('10.1.0.11'), kind: 'host' });
    expect(enricher.enrich(f).src).toBe(f.src);
  });
});
