import { describe, expect, it } from 'vitest';

import { runNetsec, SHOP_MANIFESTS } from '../../testing/netsec-cli.js';

describe('netsec policy lint (built CLI)', () => {
  it('reports findings as text and JSON, and exits by --fail-on', () => {
    const txt = runNetsec(['policy', 'lint', '--manifests', SHOP_MANIFESTS]);
    expect(txt.status).toBe(0);
    expect(txt.stdout).toContain('MEDIUM NP003 no-default-deny-ingress namespace monitoring');
    expect(txt.stdout).toContain(
      'fix: apply {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy',
    );
    expect(txt.stdout).toMatch(/9 finding\(s\): 0 high, 5 medium, 4 low, 0 info\n$/);
    const json = JSON.parse(
      runNetsec(['policy', 'lint', '--manifests', SHOP_MANIFESTS, '--output', 'json']).stdout,
    );
    expect(json.findings[0]).toMatchObject({
      id: 'NP001',
      severity: 'medium',
      subject: { kind: 'workload' },
    });
    expect(
      runNetsec(['policy', 'lint', '--manifests', SHOP_MANIFESTS, '--fail-on', 'high']).status,
    ).toBe(0);
    expect(
      runNetsec(['policy', 'lint', '--manifests', SHOP_MANIFESTS, '--fail-on', 'medium']).status,
    ).toBe(3);
    const bad = runNetsec(['policy', 'lint', '--manifests', SHOP_MANIFESTS, '--fail-on', 'severe']);
    expect(bad.status).toBe(1);
  });
});
