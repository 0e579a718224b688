import { describe, expect, it } from 'vitest';

import { buildClusterModel } from './index.js';
import { hasFindingAtOrAbove, lintModel } from './lint.js';

const pol = (name: string, spec: unknown, namespace = 'app') => ({ namespace, name, spec });
const { model, errors } = buildClusterModel({
  namespaces: [{ name: 'app', labels: { team: 'a' } }, { name: 'other' }],
  pods: [
    { namespace: 'app', name: 'web-1', labels: { app: 'web' } },
    { namespace: 'app', name: 'db-1', labels: { app: 'db' } },
    { namespace: 'other', name: 'x-1', labels: { app: 'x' } },
  ],
  policies: [
    pol('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    pol('ghost', {
      podSelector: { matchLabels: { app: 'gone' } },
      ingress: [{ ports: [{ port: 80 }] }],
    }),
    pol('db', {
      podSelector: { matchLabels: { app: 'db' } },
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { team: 'nope' } } }] },
        { from: [{ podSelector: { matchLabels: { app: 'missing' } } }], ports: [{ port: 5432 }] },
        { from: [{ namespaceSelector: {} }] },
        { from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443 }] },
      ],
    }),
    pol('web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] }),
  ],
});

describe('lintModel', () => {
  const findings = lintModel(model);
  const ids = findings.map((f) => `${f.id} ${f.severity} ${f.subject.kind} ${f.subject.name}`);

  it('compiles the test manifests', () => expect(errors).toEqual([]));

  it('reports each kind of problem with a severity, a subject and a fix', () => {
    expect(ids).toEqual([
      'NP008 high policy app/web',
      'NP001 medium workload other/x-1[Pod]',
      'NP003 medium namespace other',
      'NP006 medium policy app/db',
      'NP008 medium policy app/ghost',
      'NP009 medium policy app/db',
      'NP010 medium policy app/db',
      'NP011 medium policy app/db',
      'NP002 low workload other/x-1[Pod]',
      'NP004 low namespace other',
      'NP005 low policy app/ghost',
      'NP007 low policy app/db',
    ]);
    for (const f of findings) {
      expect(f.fix.length).toBeGreaterThan(20);
      expect(f.message.length).toBeGreaterThan(10);
    }
    expect(findings.find((f) => f.id === 'NP006')!.message).toBe(
      'ingress rule 1: namespaceSelector team=nope matches no namespace',
    );
    expect(findings.find((f) => f.id === 'NP007')!.message).toBe(
      'ingress rule 2: podSelector app=missing matches no pod in app',
    );
    expect(findings.find((f) => f.id === 'NP011')!.message).toMatch(
      /ingress rule 3 allows every port/,
    );
  });

  it('compares against a --fail-on threshold', () => {
    expect(hasFindingAtOrAbove(findings, 'high')).toBe(true);
    expect(hasFindingAtOrAbove(lintModel(buildClusterModel({}).model), 'info')).toBe(false);
    const mediumOnly = findings.filter((f) => f.severity !== 'high');
    expect(hasFindingAtOrAbove(mediumOnly, 'high')).toBe(false);
    expect(hasFindingAtOrAbove(mediumOnly, 'medium')).toBe(true);
  });
});
