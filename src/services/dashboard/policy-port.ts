/**
 * What the dashboard needs from the NetworkPolicy engine (src/domain/netpol). The engine's own
 * API evolves; an adapter built where the cluster model is loaded implements this port, so the
 * dashboard services never depend on the engine's internals.
 */
import type {
  ConnectionTest,
  Explanation,
  PoliciesResponse,
  PolicyDetailResponse,
  SuggestedFix,
} from '../../api/dashboard-schema.js';

/** One connection: `namespace/pod`, `namespace/workload` or an IP on each side. */
export type ConnectionProbe = ConnectionTest;

export interface PolicyEnginePort {
  /** Policies and coverage per namespace, limited to `namespaces` when given. */
  listPolicies(namespaces?: readonly string[]): PoliciesResponse['namespaces'];
  policyDetail(namespace: string, name: string): PolicyDetailResponse | null;
  /** null when an endpoint cannot be resolved in the model. */
  explain(probe: ConnectionProbe): Explanation | null;
  /** Present once the engine offers suggested fixes. */
  suggestFix?(probe: ConnectionProbe): SuggestedFix | null;
}
