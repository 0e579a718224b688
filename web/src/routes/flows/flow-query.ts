import { DIRECTIONS, PROTOCOLS, SOURCE_FORMATS, VERDICTS } from '@api/dashboard-schema.js';

import type { FlowQuery } from '../../api/flows';
import type { Scope } from '../../api/scope';

/** FlowFilter fields the explorer keeps in the URL (time, cluster and namespace are shared). */
export const TEXT_FIELDS = ['workload', 'pod', 'ip', 'port', 'policy'] as const;
export const LIST_FIELDS = {
  protocol: PROTOCOLS,
  verdict: VERDICTS,
  direction: DIRECTIONS,
  source: SOURCE_FORMATS,
} as const;
export const REASONS = [
  'policy-denied',
  'explicit-deny',
  'no-policy-matched',
  'staged-deny',
  'non-policy-drop',
  'allowed-by-policy',
  'not-isolated',
  'allowed',
  'unknown',
] as const;

export type ListField = keyof typeof LIST_FIELDS | 'reason';

export function flowQueryFrom(sp: URLSearchParams, scope: Scope): FlowQuery {
  const q: FlowQuery = {
    from: scope.from,
    to: scope.to,
    cluster: scope.cluster,
    namespace: scope.namespace,
  };
  for (const f of TEXT_FIELDS) q[f] = sp.get(f);
  for (const f of [...Object.keys(LIST_FIELDS), 'reason']) q[f] = sp.get(f);
  return q;
}
