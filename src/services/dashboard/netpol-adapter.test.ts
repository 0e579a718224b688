import { describe, expect, it } from 'vitest';

import { buildClusterModel } from '../../domain/netpol/index.js';
import { createPolicyEnginePort } from './netpol-adapter.js';

const pod = (ns: string, app: string, ip: string) => ({
  namespace: ns,
  name: `${app}-0`,
  labels: { app },
  ip,
  workload: { kind: 'Deployment', namespace: ns, name: app },
});

const { model } = buildClusterModel({
  namespaces: [{ name: 'batch' }, { name: 'payments' }, { name: 'web' }],
  pods: [
    pod('batch', 'report', '10.0.0.1'),
    pod('payments', 'db', '10.0.0.2'),
    pod('payments', 'api', '10.0.0.3'),
    pod('web', 'front', '10.0.0.4'),
  ],
  policies: [
    {
      namespace: 'payments',
      name: 'default-deny',
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
    {
      namespace: 'payments',
      name: 'db-clients',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { app: 'api' } } }],
            ports: [{ protocol: 'TCP', port: 5432 }],
          },
        ],
      },
    },
  ],
});
const engine = createPolicyEnginePort(model);

describe('policy engine port', () => {
  it('explains a denial in one sentence and lists the steps', () => {
    const e = engine.explain({
      from: 'batch/report',
      to: 'payments/db',
      protocol: 'TCP',
      port: 5432,
    });
    expect(e?.allowed).toBe(false);
    expect(e?.summary).toBe(
      'Denied at ingress of payments/db-0: payments/default-deny, payments/db-clients select it and no ingress rule allows batch/report-0 on 5432/TCP',
    );
    expect(e?.steps.some((s) => s.startsWith('egress: no policy selects batch/report-0'))).toBe(
      true,
    );
    expect(
      engine.explain({ from: 'payments/api', to: 'payments/db', protocol: 'TCP', port: 5432 })
        ?.allowed,
    ).toBe(true);
    expect(
      engine.explain({ from: 'nope/x', to: 'payments/db', protocol: 'TCP', port: 1 }),
    ).toBeNull();
  });

  it('suggests a NetworkPolicy that opens the denied connection', () => {
    const fix = engine.suggestFix?.({
      from: 'batch/report',
      to: 'payments/db',
      protocol: 'TCP',
      port: 5432,
    });
    expect(fix?.yaml).toMatch(/kind: NetworkPolicy/);
    expect(fix?.yaml).toMatch(/5432/);
    expect(fix?.blastRadius.length).toBeGreaterThan(0);
    expect(
      engine.suggestFix?.({ from: 'payments/api', to: 'payments/db', protocol: 'TCP', port: 5432 }),
    ).toBeNull();
  });

  it('reports coverage: workloads no policy isolates', () => {
    const list = engine.listPolicies();
    const web = list.find((n) => n.namespace === 'web');
    expect(web?.unisolatedIngress).toEqual(['front']);
    const payments = list.find((n) => n.namespace === 'payments');
    expect(payments?.unisolatedIngress).toEqual([]);
    expect(payments?.policies.map((p) => p.name).sort()).toEqual(['db-clients', 'default-deny']);
    const detail = engine.policyDetail('payments', 'db-clients');
    expect(detail?.allows).toEqual([
      { direction: 'ingress', peers: 'pods with app=api in namespace payments', ports: '5432/TCP' },
    ]);
    expect(detail?.yaml).toMatch(/name: db-clients/);
  });
});
