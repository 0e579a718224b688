/** Goldmane `PolicyHit`s → policy hits in evaluation order. */
import type { PolicyRef } from '../../domain/flow.js';
import { actionOf, type Hit } from '../calico-flowlog/calico-common.js';
import { isObject, type JsonObject, readString, readUint } from '../wire.js';

const KIND_BY_NUMBER = [
  'KindUnspecified',
  'CalicoNetworkPolicy',
  'GlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
  'NetworkPolicy',
  'ClusterNetworkPolicyAdminTier',
  'ClusterNetworkPolicyBaselineTier',
  'Profile',
  'EndOfTier',
];

function field(h: JsonObject, snake: string, camel: string): unknown {
  return h[snake] ?? h[camel];
}

function kindOf(v: unknown): string {
  if (typeof v === 'number') return KIND_BY_NUMBER[v] ?? 'unknown';
  return typeof v === 'string' && v !== '' ? v : 'unknown';
}

/** An EndOfTier hit names the policy that selected the flow in `trigger`; report that policy. */
export function hitsOf(list: unknown, pending: boolean): Hit[] {
  if (!Array.isArray(list)) return [];
  const hits: Array<Hit & { index: number }> = [];
  for (const h of list) {
    if (!isObject(h)) continue;
    const kind = kindOf(h['kind']);
    const endOfTier = kind === 'EndOfTier';
    const trigger = isObject(h['trigger']) ? h['trigger'] : null;
    const named = endOfTier && trigger !== null ? trigger : h;
    const rule = readUint(field(h, 'rule_index', 'ruleIndex'));
    const ref: PolicyRef = {
      kind: endOfTier ? 'EndOfTier' : kind,
      namespace: readString(named['namespace']),
      name: readString(named['name']) ?? readString(h['tier']) ?? '',
      rule: endOfTier || typeof rule !== 'number' ? null : String(rule),
      action: actionOf(h['action']),
      staged: pending || kind.startsWith('Staged'),
      tier: readString(h['tier']),
    };
    const index = readUint(field(h, 'policy_index', 'policyIndex'));
    hits.push({ ref, endOfTier, index: typeof index === 'number' ? index : hits.length });
  }
  hits.sort((a, b) => a.index - b.index);
  return hits.map(({ ref, endOfTier }) => ({ ref, endOfTier }));
}
