import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { buildClusterModel, computeConnlist } from '../../domain/netpol/index.js';
import { dotString, mdCell, renderConnlist } from './connlist-render.js';

// Names are attacker-controlled: a formula, markdown and dot metacharacters, an ANSI escape.
const EVIL = '=HYPERLINK("x")|*a*"b\\\u001b[31m';
const { model } = buildClusterModel({
  namespaces: [{ name: 'a' }],
  pods: [
    { namespace: 'a', name: EVIL, labels: { app: 'evil' } },
    { namespace: 'a', name: 'db', labels: { app: 'db' } },
  ],
  policies: [
    {
      namespace: 'a',
      name: 'db',
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ ports: [{ port: 5432 }, { port: 53, protocol: 'UDP' }] }],
      },
    },
  ],
});
const list = computeConnlist(model);

describe('renderConnlist', () => {
  it('prints readable text with escaped names and port ranges per protocol', () => {
    const txt = renderConnlist(list, 'txt');
    expect(txt).toContain('a/db[Pod] => a/=HYPERLINK("x")|*a*"b\\\\x1b[31m[Pod] : All connections');
    expect(txt).toContain(' => a/db[Pod] : TCP 5432; UDP 53');
    expect(txt).not.toContain('\u001b');
  });

  it('writes JSON with structured peers and port sets', () => {
    const json = JSON.parse(renderConnlist(list, 'json'));
    const toDb = json.connections.find(
      (c: { src: { kind: string }; dst: { name: string } }) =>
        c.src.kind === 'workload' && c.dst.name === 'a/db[Pod]',
    );
    expect(toDb).toMatchObject({
      src: { kind: 'workload', namespace: 'a', workload: EVIL, workloadKind: 'Pod' },
      ports: { TCP: [[5432, 5432]], UDP: [[53, 53]], SCTP: [] },
      connections: 'TCP 5432; UDP 53',
    });
    const ext = json.connections.find((c: { src: { kind: string } }) => c.src.kind === 'external');
    expect(ext.src).toMatchObject({
      first: '0.0.0.0',
      last: '255.255.255.255',
      cidrs: ['0.0.0.0/0'],
    });
  });

  it('defuses spreadsheet formulas in CSV', () => {
    const csv = renderConnlist(list, 'csv');
    expect(csv.split('\r\n')[0]).toBe('src,dst,tcp,udp,sctp,connections');
    expect(csv).toContain(`"a/${EVIL.replace(/"/g, '""')}[Pod]"`);
    const evilFirst = renderConnlist(
      [{ ...list[0]!, src: { ...list[0]!.src, name: '=cmd|calc' } }],
      'csv',
    );
    expect(evilFirst.split('\r\n')[1]!.startsWith("'=cmd|calc")).toBe(true);
  });

  it('escapes markdown and dot metacharacters', () => {
    expect(mdCell('a|b*c<d>')).toBe('a\\|b\\*c&lt;d\\>');
    expect(dotString('x"y\\z\n')).toBe('"x\\"y\\\\z\\\\x0a"');
    const md = renderConnlist(list, 'md');
    expect(md.split('\n')[0]).toBe('| source | destination | connections |');
    for (const row of md.trim().split('\n').slice(2)) expect(row.split(/(?<!\\)\|/).length).toBe(5);
    const dot = renderConnlist(list, 'dot');
    expect(dot).toMatch(/^digraph connlist \{/);
    expect(dot).toContain('subgraph cluster_0 {');
    expect(dot).toContain('label="=HYPERLINK(\\"x\\")|*a*\\"b\\\\\\\\x1b[31m[Pod]"');
    expect(dot).toMatch(/n\d+ -> n\d+ \[label="TCP 5432; UDP 53"\];/);
  });

  // Graphviz is not a dependency; where it is installed, the output must parse.
  it.skipIf(!existsSync('/usr/bin/dot'))('renders with Graphviz despite hostile names', () => {
    const hostile = buildClusterModel({
      namespaces: [{ name: 'n"}' }],
      pods: [
        { namespace: 'n"}', name: 'x\n}digraph{"', labels: { app: 'x' } },
        { namespace: 'n"}', name: 'y', labels: {} },
      ],
    }).model;
    const r = spawnSync('/usr/bin/dot', ['-Tsvg'], {
      input: renderConnlist(computeConnlist(hostile), 'dot'),
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('<svg');
  });
});
