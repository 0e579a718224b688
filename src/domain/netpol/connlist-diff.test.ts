import { describe, expect, it } from 'vitest';

import { caseInput, listCases, readCase } from '../../testing/netpol-cases.js';
import { computeConnlist } from './connlist.js';
import { diffModels, isDiffEmpty, newlyAllowed, newlyDenied } from './connlist-diff.js';
import { buildClusterModel, formatPortSet } from './index.js';
import { applyChanges, modelToInput, policyManifest } from './policy-spec.js';

const base = {
  namespaces: [{ name: 'a' }, { name: 'b' }],
  pods: [
    { namespace: 'a', name: 'web', labels: { app: 'web' }, ip: '10.0.0.1' },
    { namespace: 'a', name: 'db', labels: { app: 'db' }, ip: '10.0.0.2' },
    { namespace: 'b', name: 'job', labels: { app: 'job' }, ip: '10.0.1.1' },
  ],
};
const before = buildClusterModel({
  ...base,
  policies: [
    {
      namespace: 'a',
      name: 'db',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 5432 }] },
        ],
      },
    },
  ],
}).model;
const after = buildClusterModel({
  ...base,
  policies: [
    {
      namespace: 'a',
      name: 'db',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { app: 'web' } } }],
            ports: [{ port: 5432 }, { port: 9090 }],
          },
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'b' } } }],
            ports: [{ port: 5432 }],
          },
        ],
      },
    },
    {
      namespace: 'a',
      name: 'web-egress',
      spec: {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24' } }] }],
      },
    },
  ],
}).model;

describe('diffModels', () => {
  const d = diffModels(before, after, { ipBlockMatchesPods: true });
  const line = (c: { src: { name: string }; dst: { name: string } }): string =>
    `${c.src.name} => ${c.dst.name}`;

  it('finds added, removed and changed connections', () => {
    expect(d.added.map(line)).toEqual(['b/job[Pod] => a/db[Pod]']);
    expect(
      d.changed.map((c) => `${line(c)}: +${formatPortSet(c.gained)} -${formatPortSet(c.lost)}`),
    ).toEqual(['a/web[Pod] => a/db[Pod]: +TCP 9090 -none']);
    // The web egress policy now allows only 10.0.0.0/24: the rest of the address space and
    // the b/job pod are lost to web.
    expect(d.removed.map(line)).toEqual([
      'a/web[Pod] => b/job[Pod]',
      'a/web[Pod] => 0.0.0.0-9.255.255.255',
      'a/web[Pod] => 10.0.1.0-255.255.255.255',
    ]);
    expect(newlyAllowed(d).map(line)).toEqual([
      'a/web[Pod] => a/db[Pod]',
      'b/job[Pod] => a/db[Pod]',
    ]);
    expect(newlyDenied(d)).toHaveLength(3);
  });

  it('is empty between a model and itself', () => {
    expect(isDiffEmpty(diffModels(before, before))).toBe(true);
  });
});

describe('policyManifest and applyChanges', () => {
  it('round-trips every analyzer case without changing connectivity', () => {
    for (const c of listCases().filter((x) => x.suite === 'netpol-analyzer')) {
      const json = readCase(c.path);
      const { model } = buildClusterModel(caseInput(json));
      const opts = { ipBlockMatchesPods: false };
      const rebuilt = applyChanges(model, []);
      expect(rebuilt.policies.map((p) => policyManifest(p))).toEqual(
        model.policies.map((p) => policyManifest(p)),
      );
      expect(computeConnlist(rebuilt, opts), c.file).toEqual(computeConnlist(model, opts));
    }
  });

  it('keeps undeclared namespaces out of the rebuilt input', () => {
    const input = modelToInput(after);
    expect(input.namespaces?.map((n) => n.name)).toEqual(['a', 'b']);
  });
});
