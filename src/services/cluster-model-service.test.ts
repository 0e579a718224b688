import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { formatModelError, loadClusterModel } from './cluster-model-service.js';

describe('loadClusterModel', () => {
  it('reads directories recursively (.yaml, .yml, .json) and locates errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsec-manifests-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(
      join(dir, 'ns.yaml'),
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n',
    );
    writeFileSync(
      join(dir, 'sub', 'pods.json'),
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'shop' } }),
    );
    writeFileSync(
      join(dir, 'sub', 'np.yml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: shop}\nspec:\n  podSelector: {}\n  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}]}]\n',
    );
    writeFileSync(join(dir, 'README.md'), 'not a manifest');
    const r = await loadClusterModel([dir, join(dir, 'missing.yaml')]);
    expect(r.files.map((f) => f.slice(dir.length + 1))).toEqual([
      'ns.yaml',
      'sub/np.yml',
      'sub/pods.json',
    ]);
    expect(r.model.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['shop/a']);
    expect(r.model.policies).toEqual([]);
    expect(r.skipped).toEqual({ 'v1/ConfigMap': 1 });
    expect(r.errors.map(formatModelError)).toEqual([
      expect.stringMatching(/missing\.yaml: cannot read/),
      `${join(dir, 'sub', 'np.yml')} (document 2): NetworkPolicy shop/bad spec.egress[0].to[0].ipBlock.except[0]: 11.0.0.0/16 is not a strict subset of 10.0.0.0/8`,
    ]);
  });
});
