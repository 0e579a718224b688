/**
 * Conformance: every case in ../shared/testdata/netpol (k8s e2e truth tables and the
 * netpol-analyzer golden connectivity lists) must agree with the evaluator.
 */
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import {
  caseInput,
  type CaseJson,
  listCases,
  netpolCasesDir,
  parseWorkloadName,
  readCase,
} from '../../testing/netpol-cases.js';
import {
  allowedPortsBetween,
  buildClusterModel,
  type ClusterModel,
  type Endpoint,
  evaluateConnection,
  ipEndpoint,
  isConnectionAllowed,
  normalizeRanges,
  podEndpoint,
  type PolicyProtocol,
  workloadDisplayName,
} from './index.js';

const PROTOCOLS: PolicyProtocol[] = ['TCP', 'UDP', 'SCTP'];
const cases = listCases();

function build(c: CaseJson): ClusterModel {
  const { model, errors } = buildClusterModel(caseInput(c));
  expect(errors, 'the case manifests must compile without errors').toEqual([]);
  return model;
}

function pod(model: ClusterModel, key: string): Endpoint {
  const e = podEndpoint(model, key);
  if (!e) throw new Error(`case names unknown pod ${key}`);
  return e;
}

function workloadEndpoint(model: ClusterModel): (name: string) => Endpoint {
  const first = new Map<string, Endpoint>();
  for (const p of model.pods) {
    const key = workloadDisplayName(p.workload);
    if (!first.has(key)) first.set(key, { kind: 'pod', pod: p });
  }
  return (name) => {
    const e = first.get(name);
    if (!e) throw new Error(`case names unknown workload ${name}`);
    return e;
  };
}

function pairEndpoint(model: ClusterModel, side: { workload?: string; ip?: string }): Endpoint {
  if (side.ip !== undefined) return ipEndpoint(side.ip)!;
  return workloadEndpoint(model)(side.workload!);
}

function inRanges(ranges: [number, number][] | undefined, port: number): boolean {
  return (ranges ?? []).some(([lo, hi]) => port >= lo && port <= hi);
}

function checkK8sE2e(c: CaseJson): number {
  const model = build(c);
  const opts = { ipBlockMatchesPods: c.semantics?.ipBlockMatchesPods !== false };
  const wrong: string[] = [];
  for (const p of c.expected.probes) {
    const src = pod(model, p.src);
    const dst = pod(model, p.dst);
    const got = evaluateConnection(model, src, dst, p.protocol, p.port, opts);
    const fast = isConnectionAllowed(model, src, dst, p.protocol, p.port, opts);
    if (got.allowed !== p.allowed || fast !== p.allowed)
      wrong.push(
        `${p.src} -> ${p.dst} ${p.port}/${p.protocol}: expected ${p.allowed}, got ${got.allowed} (fast ${fast})`,
      );
  }
  expect(wrong).toEqual([]);
  return c.expected.probes.length;
}

function checkPairs(c: CaseJson, pairs: CaseJson[], model: ClusterModel): number {
  const opts = { ipBlockMatchesPods: c.semantics?.ipBlockMatchesPods === true };
  const ports: number[] = c.expected.probePorts;
  const wrong: string[] = [];
  let n = 0;
  for (const pair of pairs) {
    const src = pairEndpoint(model, pair.src);
    const dst = pairEndpoint(model, pair.dst);
    const label = `${pair.src.workload ?? pair.src.ip} -> ${pair.dst.workload ?? pair.dst.ip}`;
    for (const proto of PROTOCOLS) {
      for (const port of ports) {
        n++;
        const want = inRanges(pair.allowed[proto], port);
        const got = evaluateConnection(model, src, dst, proto, port, opts).allowed;
        if (got !== want) wrong.push(`${label} ${port}/${proto}: expected ${want}, got ${got}`);
      }
      const ranges = allowedPortsBetween(model, src, dst, opts)[proto];
      const expected = normalizeRanges(pair.allowed[proto] ?? []);
      if (JSON.stringify(ranges) !== JSON.stringify(expected))
        wrong.push(
          `${label} ${proto} ranges: expected ${JSON.stringify(expected)}, got ${JSON.stringify(ranges)}`,
        );
    }
  }
  expect(wrong).toEqual([]);
  return n;
}

const KIND_TO_REASON: Record<string, string> = {
  'selected-no-rule-matches-peer': 'no-peer-matched',
  'selected-no-rule-matches-peer-no-rules': 'no-rules',
  'peer-matched-ports-do-not-match': 'port-mismatch',
  'peer-matched-named-port-unresolved': 'named-port-not-found',
};

function explainEndpoint(model: ClusterModel, text: string): Endpoint {
  const ext = /^([^-]+)-[^[]+\[External\]$/.exec(text);
  if (ext) return ipEndpoint(ext[1]!)!;
  return workloadEndpoint(model)(text);
}

function checkExplain(c: CaseJson, model: ClusterModel): number {
  const opts = { ipBlockMatchesPods: c.semantics?.ipBlockMatchesPods === true };
  const wrong: string[] = [];
  let n = 0;
  for (const pair of c.expected.explain.specificPairs) {
    const src = explainEndpoint(model, pair.src);
    const dst = explainEndpoint(model, pair.dst);
    for (const entry of pair.entries) {
      for (const proto of PROTOCOLS) {
        const first = entry.connSet[proto]?.[0];
        if (!first) continue;
        n++;
        const port: number = first[0];
        const got = evaluateConnection(model, src, dst, proto, port, opts);
        const label = `${pair.src} -> ${pair.dst} ${port}/${proto}`;
        for (const dir of ['Egress', 'Ingress'] as const) {
          const want = entry.directions[dir];
          const side = dir === 'Egress' ? got.egress : got.ingress;
          if ((want.verdict === 'Allowed') !== side.allowed)
            wrong.push(`${label} ${dir}: expected ${want.verdict}, got allowed=${side.allowed}`);
          if (want.systemDefault !== !side.isolated)
            wrong.push(
              `${label} ${dir}: expected systemDefault=${want.systemDefault}, got isolated=${side.isolated}`,
            );
          const wantReasons = want.reasons
            .map((r: CaseJson) =>
              r.kind === 'allowed-by-rule'
                ? `allow ${r.policy} #${r.rule.index}`
                : `${KIND_TO_REASON[r.kind] ?? r.kind} ${r.policy}${r.rule ? ` #${r.rule.index}` : ''}`,
            )
            .sort();
          const gotReasons = [
            ...side.allowedBy.map((a) => `allow ${a.policy} #${a.rule}`),
            ...side.deniedBy.map((d) => `${d.reason} ${d.policy}${d.rule ? ` #${d.rule}` : ''}`),
          ].sort();
          if (JSON.stringify(wantReasons) !== JSON.stringify(gotReasons))
            wrong.push(
              `${label} ${dir}: expected ${JSON.stringify(wantReasons)}, got ${JSON.stringify(gotReasons)}`,
            );
        }
      }
    }
  }
  expect(wrong).toEqual([]);
  return n;
}

describe('NetworkPolicy conformance (../shared/testdata/netpol)', () => {
  it('finds the shared conformance cases', () => {
    const dir = netpolCasesDir();
    expect(
      existsSync(dir),
      `conformance cases not found at ${dir}; CI keeps them beside the checkout (set NETSEC_SHARED_DIR to the shared dir)`,
    ).toBe(true);
    expect(cases.filter((c) => c.suite === 'k8s-e2e').length).toBeGreaterThanOrEqual(58);
    expect(cases.filter((c) => c.suite === 'netpol-analyzer').length).toBeGreaterThanOrEqual(51);
  });

  it.each(cases.filter((c) => c.suite === 'k8s-e2e').map((c) => [c.file, c] as const))(
    'k8s-e2e %s',
    (_name, file) => {
      expect(checkK8sE2e(readCase(file.path))).toBeGreaterThan(0);
    },
  );

  it.each(cases.filter((c) => c.suite === 'netpol-analyzer').map((c) => [c.file, c] as const))(
    'netpol-analyzer %s',
    (_name, file) => {
      const c = readCase(file.path);
      const model = build(c);
      let checks = checkPairs(c, c.expected.workloadPairs ?? [], model);
      checks += checkPairs(c, c.expected.externalPairs ?? [], model);
      if (c.expected.explain) checks += checkExplain(c, model);
      expect(checks).toBeGreaterThan(0);
    },
  );
});

// Sanity for the workload-name helper the cases rely on.
describe('parseWorkloadName', () => {
  it('splits ns/name[Kind]', () => {
    expect(parseWorkloadName('a/b-c[Deployment]')).toEqual({
      namespace: 'a',
      name: 'b-c',
      kind: 'Deployment',
    });
  });
});
