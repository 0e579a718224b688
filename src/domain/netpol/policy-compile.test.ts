import { describe, expect, it } from 'vitest';

import { compilePolicy } from './policy-compile.js';

function errorsOf(spec: unknown): string[] {
  const r = compilePolicy({
    namespace: 'ns',
    name: 'p',
    spec,
    origin: { file: 'f.yaml', document: 2 },
  });
  for (const e of r.errors) {
    expect(e.origin).toEqual({ file: 'f.yaml', document: 2 });
    expect(e.object).toBe('NetworkPolicy ns/p');
  }
  if (r.errors.length > 0) expect(r.policy).toBeNull();
  return r.errors.map((e) => `${e.path}: ${e.message}`);
}

const ingressPorts = (ports: unknown[]): unknown => ({ podSelector: {}, ingress: [{ ports }] });

describe('policy validation', () => {
  it('accepts a valid policy', () => {
    expect(
      errorsOf({
        podSelector: {},
        ingress: [{ ports: [{ port: 'http' }, { port: 80, endPort: 90 }] }],
      }),
    ).toEqual([]);
  });

  it.each([
    [
      { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }] },
      'spec.ingress[0].from[0].ipBlock.cidr',
    ],
    [
      { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: 'nope' } }] }] },
      'spec.egress[0].to[0].ipBlock.cidr',
    ],
    [
      {
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }] }],
      },
      'spec.ingress[0].from[0].ipBlock.except[0]',
    ],
    [
      {
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }] }],
      },
      'spec.ingress[0].from[0].ipBlock.except[0]',
    ],
    [ingressPorts([{ port: 'HTTP' }]), 'spec.ingress[0].ports[0].port'],
    [ingressPorts([{ port: 'a-very-long-port-name' }]), 'spec.ingress[0].ports[0].port'],
    [ingressPorts([{ port: '8080' }]), 'spec.ingress[0].ports[0].port'],
    [ingressPorts([{ port: 'a--b' }]), 'spec.ingress[0].ports[0].port'],
    [ingressPorts([{ port: 80, endPort: 79 }]), 'spec.ingress[0].ports[0].endPort'],
    [ingressPorts([{ port: 'http', endPort: 90 }]), 'spec.ingress[0].ports[0].endPort'],
    [ingressPorts([{ endPort: 90 }]), 'spec.ingress[0].ports[0].endPort'],
    [ingressPorts([{ port: 70000 }]), 'spec.ingress[0].ports[0].port'],
    [ingressPorts([{ protocol: 'ICMP' }]), 'spec.ingress[0].ports[0].protocol'],
    [{ podSelector: {}, policyTypes: ['Ingress', 'Both'] }, 'spec.policyTypes[1]'],
    [
      {
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }],
      },
      'spec.ingress[0].from[0]',
    ],
    [{ podSelector: {}, ingress: [{ from: [{}] }] }, 'spec.ingress[0].from[0]'],
    [{ podSelector: { matchLabels: 'x' } }, 'spec.podSelector.matchLabels'],
    [{ podSelector: {}, ingress: 'all' }, 'spec.ingress'],
    ['nope', 'spec'],
  ])('reports %j at its field path', (spec, path) => {
    const errs = errorsOf(spec);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs[0]!.startsWith(`${path}: `)).toBe(true);
  });

  it('infers policyTypes: Ingress always, Egress only with egress rules', () => {
    expect(compilePolicy({ name: 'a', spec: { podSelector: {} } }).policy!.affects).toEqual({
      ingress: true,
      egress: false,
    });
    expect(
      compilePolicy({ name: 'a', spec: { podSelector: {}, egress: [{}] } }).policy!.affects,
    ).toEqual({
      ingress: true,
      egress: true,
    });
    expect(
      compilePolicy({ name: 'a', spec: { podSelector: {}, policyTypes: ['Egress'] } }).policy!
        .affects,
    ).toEqual({ ingress: false, egress: true });
  });

  it('defaults namespace and protocol, and numbers rules from 1', () => {
    const p = compilePolicy({
      name: 'a',
      spec: { podSelector: {}, ingress: [{}, { ports: [{ port: 53 }] }] },
    }).policy!;
    expect(p.id).toBe('default/a');
    expect(p.ingress.map((r) => r.index)).toEqual([1, 2]);
    expect(p.ingress[0]!.peers).toBeNull();
    expect(p.ingress[1]!.ports).toEqual([{ protocol: 'TCP', port: 53 }]);
  });
});
