import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { runNetsec, SHOP_MANIFESTS } from '../../testing/netsec-cli.js';

describe('netsec policy suggest (built CLI)', () => {
  it('prints kubectl-ready YAML with the explanation and blast radius as comments', () => {
    const r = runNetsec([
      'policy',
      'suggest',
      '--manifests',
      SHOP_MANIFESTS,
      '--flow',
      'shop/checkout -> shop/catalog 3550/TCP',
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('# egress: edit shop/checkout: adds egress rule 3 to shop/checkout');
    expect(r.stdout).toContain('# Blast radius: none');
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs.map((d) => `${d.kind} ${d.metadata.namespace}/${d.metadata.name}`)).toEqual([
      'NetworkPolicy shop/checkout',
      'NetworkPolicy shop/catalog',
    ]);
    expect(docs[1].spec.ingress[1]).toEqual({
      from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'checkout' } } }],
      ports: [{ protocol: 'TCP', port: 3550 }],
    });
  });

  it('answers in JSON, says when a flow is already allowed, and rejects bad flows', () => {
    const ok = runNetsec([
      'policy',
      'suggest',
      '--manifests',
      SHOP_MANIFESTS,
      '--flow',
      'shop-web/frontend -> shop/cart 7070/TCP',
      '--output',
      'json',
    ]);
    expect(JSON.parse(ok.stdout)).toMatchObject({ alreadyAllowed: true, changes: [] });
    const bad = runNetsec([
      'policy',
      'suggest',
      '--manifests',
      SHOP_MANIFESTS,
      '--flow',
      'shop/nope -> shop/cart 80/TCP',
    ]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('netsec policy suggest: from: unknown pod shop/nope');
    const syntax = runNetsec([
      'policy',
      'suggest',
      '--manifests',
      SHOP_MANIFESTS,
      '--flow',
      'nonsense',
    ]);
    expect(syntax.status).toBe(1);
    expect(syntax.stderr).toMatch(/--flow: expected/);
  });
});
