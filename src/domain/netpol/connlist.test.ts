import { describe, expect, it } from 'vitest';

import { caseInput, type CaseJson, listCases, readCase } from '../../testing/netpol-cases.js';
import { computeConnlist, type Connection, mergeExternalRanges } from './connlist.js';
import { externalRanges, formatIpRange, rangeContains, rangeToCidrs } from './external-ranges.js';
import { buildClusterModel, normalizeRanges, type PortSet } from './index.js';

const analyzerCases = listCases().filter((c) => c.suite === 'netpol-analyzer');

function canon(allowed: Partial<PortSet>): string {
  return JSON.stringify(
    (['TCP', 'UDP', 'SCTP'] as const).map((p) => normalizeRanges(allowed[p] ?? [])),
  );
}

describe('computeConnlist against the netpol-analyzer golden lists', () => {
  it('has cases to check', () => expect(analyzerCases.length).toBeGreaterThan(40));

  it.each(analyzerCases.map((c) => [c.file, c] as const))('%s', (_name, file) => {
    const c: CaseJson = readCase(file.path);
    const { model, errors } = buildClusterModel(caseInput(c));
    expect(errors).toEqual([]);
    const opts = { ipBlockMatchesPods: c.semantics?.ipBlockMatchesPods === true };
    const list = computeConnlist(model, opts);
    const got = new Map<string, string>();
    for (const conn of list)
      if (conn.src.kind === 'workload' && conn.dst.kind === 'workload')
        got.set(`${conn.src.name} => ${conn.dst.name}`, canon(conn.ports));
    const want = new Map<string, string>();
    for (const p of c.expected.workloadPairs ?? []) {
      const ports = canon(p.allowed);
      if (ports !== canon({})) want.set(`${p.src.workload} => ${p.dst.workload}`, ports);
    }
    expect(Object.fromEntries([...got].sort())).toEqual(Object.fromEntries([...want].sort()));

    // External pairs: the range holding each sample IP carries exactly the expected ports.
    const wrong: string[] = [];
    for (const p of c.expected.externalPairs ?? []) {
      const ip: string = p.src.ip ?? p.dst.ip;
      const wl: string = p.src.workload ?? p.dst.workload;
      const hit = list.find((conn: Connection) => {
        const ext = p.src.ip !== undefined ? conn.src : conn.dst;
        const other = p.src.ip !== undefined ? conn.dst : conn.src;
        return ext.kind === 'external' && rangeContains(ext.range, ip) && other.name === wl;
      });
      const gotPorts = hit ? canon(hit.ports) : canon({});
      if (gotPorts !== canon(p.allowed))
        wrong.push(`${ip} ${wl}: ${gotPorts} vs ${canon(p.allowed)}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('external ranges', () => {
  const model = buildClusterModel({
    namespaces: [{ name: 'a' }],
    pods: [{ namespace: 'a', name: 'p', labels: { app: 'p' } }],
    policies: [
      {
        namespace: 'a',
        name: 'egress',
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
        },
      },
    ],
  }).model;

  it('splits the address space at every cidr and except edge', () => {
    expect(externalRanges([model]).map(formatIpRange)).toEqual([
      '0.0.0.0-9.255.255.255',
      '10.0.0.0-10.0.255.255',
      '10.1.0.0-10.1.255.255',
      '10.2.0.0-10.255.255.255',
      '11.0.0.0-255.255.255.255',
    ]);
  });

  it('lists only the allowed ranges, merged when adjacent and alike', () => {
    const list = computeConnlist(model);
    expect(list.map((c) => `${c.src.name} => ${c.dst.name}`)).toEqual([
      'a/p[Pod] => 10.0.0.0-10.0.255.255',
      'a/p[Pod] => 10.2.0.0-10.255.255.255',
      '0.0.0.0-255.255.255.255 => a/p[Pod]',
    ]);
    const unmerged = computeConnlist(model, { mergeExternal: false });
    expect(unmerged).toHaveLength(7);
    expect(mergeExternalRanges(unmerged)).toEqual(list);
  });

  it('covers a range with the fewest CIDRs', () => {
    const [r] = externalRanges([model]).slice(3, 4);
    expect(rangeToCidrs(r!)).toEqual([
      '10.2.0.0/15',
      '10.4.0.0/14',
      '10.8.0.0/13',
      '10.16.0.0/12',
      '10.32.0.0/11',
      '10.64.0.0/10',
      '10.128.0.0/9',
    ]);
  });
});
