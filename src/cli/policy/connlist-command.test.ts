import { describe, expect, it } from 'vitest';

import { runNetsec, SHOP_MANIFESTS } from '../../testing/netsec-cli.js';

describe('netsec policy connlist (built CLI)', () => {
  it('lists the shop connections as text, JSON and dot', () => {
    const txt = runNetsec(['policy', 'connlist', '--manifests', SHOP_MANIFESTS]);
    expect(txt.status).toBe(0);
    expect(txt.stderr).toBe('');
    expect(txt.stdout).toContain(
      'shop-web/frontend[Deployment] => shop/cart[Deployment] : TCP 7070',
    );
    expect(txt.stdout).toContain(
      '0.0.0.0-255.255.255.255 => shop-web/frontend[Deployment] : TCP 8080',
    );
    expect(txt.stdout).toContain(
      'payments/payments[Deployment] => 203.0.113.0-203.0.113.255 : TCP 443',
    );
    expect(txt.stdout).not.toContain('shop/catalog[Deployment] => shop/cart');

    const json = runNetsec([
      'policy',
      'connlist',
      '--manifests',
      SHOP_MANIFESTS,
      '--output',
      'json',
    ]);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.connections.length).toBe(txt.stdout.trim().split('\n').length);

    const dot = runNetsec(['policy', 'connlist', '--manifests', SHOP_MANIFESTS, '--output', 'dot']);
    expect(dot.stdout).toContain('label="shop-web";');
  });

  it('reports manifest errors with their location and rejects a bad --output', () => {
    const bad = runNetsec(['policy', 'connlist', '--manifests', SHOP_MANIFESTS, '--output', 'xml']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--output must be one of txt, json, csv, md, dot/);
    const missing = runNetsec(['policy', 'connlist', '--manifests', '/nonexistent/x.yaml']);
    expect(missing.status).toBe(0);
    expect(missing.stderr).toMatch(/netsec policy connlist: \/nonexistent\/x\.yaml: cannot read/);
  });
});
