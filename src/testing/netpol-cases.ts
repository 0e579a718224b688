/**
 * Loads the shared NetworkPolicy conformance cases (../shared/testdata/netpol, see its README)
 * and turns a case into the engine's `ClusterInput`. The folder is never copied into the repo.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import type { ClusterInput, WorkloadRef } from '../domain/netpol/index.js';

/** `NETSEC_SHARED_DIR` (the shared dir) overrides `<repo>/../shared`. */
export function netpolCasesDir(): string {
  const shared = process.env.NETSEC_SHARED_DIR ?? resolve(__dirname, '..', '..', '..', 'shared');
  return join(shared, 'testdata', 'netpol');
}

export interface CaseFile {
  suite: 'k8s-e2e' | 'netpol-analyzer';
  file: string;
  path: string;
}

export function listCases(): CaseFile[] {
  const dir = netpolCasesDir();
  if (!existsSync(dir)) return [];
  return (['k8s-e2e', 'netpol-analyzer'] as const).flatMap((suite) => {
    const sub = join(dir, suite);
    if (!existsSync(sub)) return [];
    return readdirSync(sub)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((file) => ({ suite, file, path: join(sub, file) }));
  });
}

/* eslint-disable @typescript-eslint/no-explicit-any -- test data is untyped JSON by design */
export type CaseJson = any;

export function readCase(path: string): CaseJson {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** `ns/name[Kind]` → a workload reference. */
export function parseWorkloadName(text: string): WorkloadRef {
  const m = /^([^/]*)\/(.*)\[([^\]]+)\]$/.exec(text);
  if (!m) throw new Error(`bad workload name ${text}`);
  return { namespace: m[1]!, name: m[2]!, kind: m[3]! };
}

export function caseInput(c: CaseJson): ClusterInput {
  return {
    namespaces: (c.namespaces ?? []).map((n: any) => ({ name: n.name, labels: n.labels })),
    pods: (c.pods ?? []).map((p: any) => ({
      namespace: p.namespace,
      name: p.name,
      labels: p.labels,
      ip: p.ip ?? null,
      hostNetwork: p.hostNetwork === true,
      ports: p.ports,
      ...(typeof p.workload === 'string' && { workload: parseWorkloadName(p.workload) }),
    })),
    policies: (c.networkPolicies ?? []).map((np: any) => ({
      namespace: np.metadata?.namespace,
      name: np.metadata?.name,
      spec: np.spec,
    })),
  };
}
