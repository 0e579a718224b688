import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

import { runNetsec, SHOP_MANIFESTS } from '../../testing/netsec-cli.js';

describe('netsec policy quarantine (built CLI)', () => {
  it('prints the quarantine policy, what stays allowed, and the label approach', () => {
    const base = [
      'policy',
      'quarantine',
      '--manifests',
      SHOP_MANIFESTS,
      '--workload',
      'shop/Deployment/cart',
      '--keep-dns',
    ];
    const r = runNetsec(base);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('still allowed by shop/cart rule 1');
    expect(parseAllDocuments(r.stdout).map((d) => d.toJS().metadata.name)).toEqual([
      'netsec-quarantine-cart',
    ]);
    const label = runNetsec([...base, '--label-approach']);
    expect(label.stdout).toContain(
      'kubectl label pods -n shop -l app.kubernetes.io/name=cart netsec.io/quarantine=true',
    );
    expect(parseAllDocuments(label.stdout).map((d) => d.toJS().metadata.name)).toEqual([
      'netsec-quarantine',
      'allow-dns',
      'allow-metrics-scrape',
      'cart',
    ]);
    const json = JSON.parse(runNetsec([...base, '--output', 'json']).stdout);
    expect(json.labelApproach.cut).toHaveLength(4);
  });

  it('exits 1 for an unknown workload', () => {
    const r = runNetsec([
      'policy',
      'quarantine',
      '--manifests',
      SHOP_MANIFESTS,
      '--workload',
      'shop/Deployment/ghost',
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unknown workload shop/Deployment/ghost');
  });
});
