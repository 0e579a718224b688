import type {
  ConnectionTest,
  ConnectionTestResponse,
  PoliciesResponse,
  PolicyDetailResponse,
} from '../../api/dashboard-schema.js';
import { type AccessScope, type DashboardDeps, scopedNamespaces } from './scope.js';

/** Policies and coverage per namespace; empty with `modelLoaded: false` without a model. */
export function getPolicies(
  deps: DashboardDeps,
  namespaces: readonly string[] | undefined,
  scope?: AccessScope,
): PoliciesResponse {
  const allowed = scopedNamespaces(namespaces, scope);
  if (!deps.policy) return { modelLoaded: false, namespaces: [] };
  if (allowed === null) return { modelLoaded: true, namespaces: [] };
  return { modelLoaded: true, namespaces: deps.policy.listPolicies(allowed) };
}

/** One policy with the connections it allows; null when unknown or outside the scope. */
export function getPolicyDetail(
  deps: DashboardDeps,
  namespace: string,
  name: string,
  scope?: AccessScope,
): PolicyDetailResponse | null {
  if (!deps.policy || scopedNamespaces([namespace], scope) === null) return null;
  return deps.policy.policyDetail(namespace, name);
}

function namespaceOf(ref: string): string | null {
  const slash = ref.indexOf('/');
  return slash > 0 ? ref.slice(0, slash) : null;
}

/**
 * "Test a connection": the engine's full explanation. A scoped caller may test only
 * connections with at least one side in its namespaces. null: no model, or an endpoint is unknown.
 */
export function testConnection(
  deps: DashboardDeps,
  probe: ConnectionTest,
  scope?: AccessScope,
): ConnectionTestResponse | null {
  if (!deps.policy) return null;
  if (scope?.namespaces) {
    const sides = [namespaceOf(probe.from), namespaceOf(probe.to)];
    if (!sides.some((ns) => ns !== null && scope.namespaces!.includes(ns))) return null;
  }
  const explanation = deps.policy.explain(probe);
  return explanation ? { probe, explanation } : null;
}
