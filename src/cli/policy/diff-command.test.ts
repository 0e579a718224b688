import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { runNetsec, SHOP_MANIFESTS } from '../../testing/netsec-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'netsec-diff-'));
const empty = join(dir, 'empty');
mkdirSync(empty);
const extra = join(dir, 'extra.yaml');
writeFileSync(
  extra,
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: catalog-from-checkout, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: catalog}}
  ingress: [{from: [{podSelector: {matchLabels: {app.kubernetes.io/name: checkout}}}], ports: [{port: 3550}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: checkout-to-catalog, namespace: shop}
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: checkout}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app.kubernetes.io/name: catalog}}}], ports: [{port: 3550}]}]
`,
);

describe('netsec policy diff (built CLI)', () => {
  it('shows the added connection and exits 3 with --exit-code', () => {
    const args = [
      'policy',
      'diff',
      '--manifests',
      SHOP_MANIFESTS,
      '--before',
      empty,
      '--after',
      extra,
    ];
    const txt = runNetsec([...args, '--exit-code']);
    expect(txt.stderr).toBe('');
    expect(txt.status).toBe(3);
    expect(txt.stdout).toBe(
      '+ shop/checkout[Deployment] => shop/catalog[Deployment] : TCP 3550\n1 added, 0 removed, 0 changed\n',
    );
    const json = runNetsec([...args, '--output', 'json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).summary).toEqual({ added: 1, removed: 0, changed: 0 });
    const md = runNetsec([...args, '--output', 'md']);
    expect(md.stdout).toContain(
      '| added | shop/checkout\\[Deployment\\] | shop/catalog\\[Deployment\\] | none | TCP 3550 |',
    );
  });

  it('exits 0 when nothing changes', () => {
    const same = runNetsec([
      'policy',
      'diff',
      '--before',
      SHOP_MANIFESTS,
      '--after',
      SHOP_MANIFESTS,
      '--exit-code',
    ]);
    expect(same.status).toBe(0);
    expect(same.stdout).toBe('no change in allowed connections\n');
  });
});
