/** Hubble `…_allowed_by` / `…_denied_by` policy lists → domain `PolicyRef`s. */
import type { Direction, PolicyRef } from '../../domain/flow.js';
import { isObject, type JsonObject } from '../wire.js';

const LISTS: ReadonlyArray<readonly [string, string, 'ingress' | 'egress', 'allow' | 'deny']> = [
  ['ingress_denied_by', 'ingressDeniedBy', 'ingress', 'deny'],
  ['egress_denied_by', 'egressDeniedBy', 'egress', 'deny'],
  ['ingress_allowed_by', 'ingressAllowedBy', 'ingress', 'allow'],
  ['egress_allowed_by', 'egressAllowedBy', 'egress', 'allow'],
];

const DERIVED_FROM = 'io.cilium.k8s.policy.derived-from=';

/** Policy kind from `kind`, else from the `derived-from` label Cilium puts on each rule. */
function kindOf(p: JsonObject): string {
  if (typeof p['kind'] === 'string' && p['kind'] !== '') return p['kind'];
  const labels = p['labels'];
  if (Array.isArray(labels)) {
    for (const l of labels) {
      if (typeof l !== 'string') continue;
      const i = l.indexOf(DERIVED_FROM);
      if (i >= 0) return l.slice(i + DERIVED_FROM.length);
    }
  }
  return 'unknown';
}

export function policiesOf(f: JsonObject, direction: Direction): PolicyRef[] {
  let out: PolicyRef[] | null = null;
  for (const [snake, camel, dir, action] of LISTS) {
    if (direction !== 'unknown' && direction !== dir) continue;
    const list = f[snake] ?? f[camel];
    if (!Array.isArray(list) || list.length === 0) continue;
    for (const p of list) {
      if (!isObject(p) || typeof p['name'] !== 'string' || p['name'] === '') continue;
      const ns = p['namespace'];
      (out ??= []).push({
        kind: kindOf(p),
        namespace: typeof ns === 'string' && ns !== '' ? ns : null,
        name: p['name'],
        rule: null,
        action,
        staged: false,
        tier: null,
      });
    }
  }
  return out ?? [];
}
