import { describe, expect, it } from 'vitest';

import { buildClusterModel } from '../../domain/netpol/index.js';
import { emptyCollection, readManifestText } from '../../formats/k8s-manifests/index.js';
import { buildSimCluster } from './cluster.js';
import { NAMESPACES } from './cluster-spec.js';
import { buildManifestObjects, renderManifestFiles } from './manifests.js';
import { buildPolicies } from './policies.js';

const cluster = buildSimCluster(42);

describe('simulated cluster', () => {
  it('has about 10 namespaces, 60 workloads and 200 pods', () => {
    expect(cluster.namespaces.map((n) => n.name)).toEqual(
      expect.arrayContaining([
        'ingress-nginx',
        'frontend',
        'checkout',
        'payments',
        'catalog',
        'orders',
        'monitoring',
        'kube-system',
        'dev-sandbox',
        'batch',
      ]),
    );
    expect(cluster.workloads.length).toBeGreaterThanOrEqual(55);
    expect(cluster.workloads.length).toBeLessThanOrEqual(70);
    expect(cluster.pods.length).toBeGreaterThanOrEqual(180);
    expect(cluster.pods.length).toBeLessThanOrEqual(230);
  });

  it('gives every pod a unique IP in 10.244.0.0/16 and realistic labels', () => {
    expect(new Set(cluster.pods.map((p) => p.ip)).size).toBe(cluster.pods.length);
    for (const pod of cluster.pods) {
      expect(pod.ip).toMatch(/^10\.244\.\d{1,3}\.\d{1,3}$/);
      expect(pod.labels['app.kubernetes.io/name']).toBe(pod.workloadName);
      expect(pod.labels['app.kubernetes.io/version']).toBeTruthy();
    }
  });

  it('builds owner chains per controller kind', () => {
    const kinds = new Map(cluster.pods.map((p) => [p.workloadKind, p]));
    const dep = kinds.get('Deployment');
    expect(dep?.owner.kind).toBe('ReplicaSet');
    expect(dep?.name.startsWith(`${dep.owner.name}-`)).toBe(true);
    expect(dep?.labels['pod-template-hash']).toBe(
      dep?.owner.name.slice(dep.workloadName.length + 1),
    );
    expect(kinds.get('StatefulSet')?.name).toMatch(/-\d+$/);
    expect(kinds.get('StatefulSet')?.labels['statefulset.kubernetes.io/pod-name']).toBe(
      kinds.get('StatefulSet')?.name,
    );
    expect(kinds.get('DaemonSet')?.owner.kind).toBe('DaemonSet');
    const cron = kinds.get('CronJob');
    expect(cron?.owner.kind).toBe('Job');
    expect(cron?.labels['job-name']).toBe(cron?.owner.name);
    // One DaemonSet pod per node.
    const ds = cluster.workloads.find((w) => w.spec.kind === 'DaemonSet');
    expect(new Set(ds?.pods.map((p) => p.node)).size).toBe(cluster.nodes.length);
  });

  it('is the same for the same seed and differs for another', () => {
    expect(buildSimCluster(42).pods).toEqual(cluster.pods);
    const other = buildSimCluster(43);
    expect(other.pods.map((p) => p.name)).not.toEqual(cluster.pods.map((p) => p.name));
  });
});

describe('demo manifests', () => {
  const files = renderManifestFiles(cluster);
  const collected = emptyCollection();
  files.forEach((f) => readManifestText(f.text, f.name, collected));
  const { model, errors } = buildClusterModel(collected.input);

  it('load through the manifest reader and the model builder without errors', () => {
    expect(collected.errors).toEqual([]);
    expect(errors).toEqual([]);
    expect(model.pods.filter((p) => !p.synthetic).length).toBe(cluster.pods.length);
    expect(collected.input.policies.length).toBe(buildPolicies().length);
  });

  it('resolves every pod to its top-level workload through the owner chain', () => {
    for (const pod of model.pods.filter((p) => !p.synthetic)) {
      const sim = cluster.pods.find((p) => p.namespace === pod.namespace && p.name === pod.name);
      expect(pod.workload.kind).toBe(sim?.workloadKind);
      expect(pod.workload.name).toBe(sim?.workloadName);
    }
  });

  it('has a default deny in every namespace but dev-sandbox, which has no policy at all', () => {
    const policies = buildPolicies();
    for (const ns of NAMESPACES) {
      const own = policies.filter((p) => p.metadata.namespace === ns.name);
      if (ns.name === 'dev-sandbox') {
        expect(own).toEqual([]);
        continue;
      }
      const deny = own.find((p) => p.metadata.name.startsWith('default-deny'));
      expect(deny?.spec['podSelector']).toEqual({});
    }
    const dns = policies.find(
      (p) => p.metadata.namespace === 'payments' && p.metadata.name === 'allow-dns-egress',
    );
    expect(JSON.stringify(dns?.spec)).toContain('kube-dns');
  });

  it('writes objects kubectl would accept (apiVersion, kind, metadata.name)', () => {
    for (const o of buildManifestObjects(cluster)) {
      expect(typeof o['apiVersion']).toBe('string');
      expect(typeof o['kind']).toBe('string');
      expect((o['metadata'] as { name?: string }).name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    }
  });
});
