import type { DeniedDetailResponse, DeniedGroupKey, FlowRow } from '../../api/dashboard-schema.js';
import type { ConnectionProbe } from './policy-port.js';
import type { DashboardDeps } from './scope.js';

type Explained = Pick<DeniedDetailResponse, 'explanation' | 'explanationNote' | 'fix' | 'fixNote'>;

function endpointRef(e: FlowRow['src'] | null, fallback: DeniedGroupKey['src']): string | null {
  if (e?.kind === 'pod' && e.namespace && e.pod) return `${e.namespace}/${e.pod}`;
  if (e?.ip) return e.ip;
  if (fallback.kind === 'pod' && fallback.namespace && fallback.workload)
    return `${fallback.namespace}/${fallback.workload}`;
  return null;
}

/** Builds the probe for a denied group from its newest raw event, or from the key itself. */
export function probeFor(k: DeniedGroupKey, events: readonly FlowRow[]): ConnectionProbe | null {
  if (k.port === null || !['TCP', 'UDP', 'SCTP'].includes(k.protocol)) return null;
  const e = events[0];
  const from = endpointRef(e?.src ?? null, k.src);
  const to = endpointRef(e?.dst ?? null, k.dst);
  if (!from || !to) return null;
  return { from, to, protocol: k.protocol as ConnectionProbe['protocol'], port: k.port };
}

export function explainDenied(
  deps: DashboardDeps,
  k: DeniedGroupKey,
  events: readonly FlowRow[],
): Explained {
  if (!deps.policy) {
    return {
      explanation: null,
      explanationNote:
        'No cluster model is loaded, so the policy engine cannot explain this denial.',
      fix: null,
      fixNote: 'Suggested fixes need a loaded cluster model.',
    };
  }
  const probe = probeFor(k, events);
  if (!probe) {
    const note = 'The engine evaluates TCP, UDP and SCTP connections between known endpoints only.';
    return { explanation: null, explanationNote: note, fix: null, fixNote: note };
  }
  const explanation = deps.policy.explain(probe);
  const fix = deps.policy.suggestFix ? deps.policy.suggestFix(probe) : null;
  return {
    explanation,
    explanationNote: explanation
      ? null
      : 'An endpoint of this connection is not in the cluster model.',
    fix,
    fixNote: fix
      ? null
      : deps.policy.suggestFix
        ? 'The engine found no fix for this connection.'
        : 'Suggested fixes are not available in this version of the policy engine.',
  };
}
