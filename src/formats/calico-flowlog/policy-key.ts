/**
 * Calico policy names as the dataplane writes them (iptables chains, flow logs, accountant
 * labels): `ns/tier.name` for namespaced Calico policies, `tier.name` for global ones,
 * `ns/knp.default.name` for Kubernetes NetworkPolicies, `staged:` for staged ones, and
 * `kns.<ns>` / `ksa.<ns>.<sa>` (optionally after `__PROFILE__.`) for profiles.
 */
import type { PolicyRef } from '../../domain/flow.js';

export type PolicyIdentity = Pick<PolicyRef, 'kind' | 'namespace' | 'name' | 'tier' | 'staged'>;

const KNP = 'knp.default.';
const PROFILE = '__PROFILE__.';

/** `tier`, when known (flow logs give it separately), is stripped from the name's front. */
export function parsePolicyKey(key: string, knownTier?: string | null): PolicyIdentity {
  let rest = key.startsWith(PROFILE) ? key.slice(PROFILE.length) : key;
  if (key.startsWith(PROFILE) || rest.startsWith('kns.') || rest.startsWith('ksa.')) {
    return { kind: 'Profile', namespace: null, name: rest, tier: null, staged: false };
  }
  let namespace: string | null = null;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    namespace = rest.slice(0, slash) || null;
    rest = rest.slice(slash + 1);
  }
  let staged = false;
  if (rest.startsWith('staged:')) {
    staged = true;
    rest = rest.slice(7);
  }
  if (rest.startsWith(KNP)) {
    return {
      kind: staged ? 'StagedKubernetesNetworkPolicy' : 'NetworkPolicy',
      namespace,
      name: rest.slice(KNP.length),
      tier: 'default',
      staged,
    };
  }
  let tier: string | null = knownTier ?? null;
  let name = rest;
  if (tier !== null && rest.startsWith(`${tier}.`)) name = rest.slice(tier.length + 1);
  else if (knownTier === undefined) {
    // No tier given (accountant): Calico's dataplane names always lead with the tier.
    const dot = rest.indexOf('.');
    if (dot > 0) {
      tier = rest.slice(0, dot);
      name = rest.slice(dot + 1);
    }
  }
  if (name.startsWith('staged:')) {
    staged = true;
    name = name.slice(7);
  }
  const kind =
    namespace === null
      ? staged
        ? 'StagedGlobalNetworkPolicy'
        : 'GlobalNetworkPolicy'
      : staged
        ? 'StagedNetworkPolicy'
        : 'CalicoNetworkPolicy';
  return { kind, namespace, name, tier, staged };
}
