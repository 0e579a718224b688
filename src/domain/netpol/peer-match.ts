/** Does a rule (or one of its peers) match the endpoint on the other side? */
import { cidrContains } from '../ip.js';
import { bitsetHas } from './bitset.js';
import type { Endpoint } from './endpoint.js';
import type { PeerIndex, RuleIndex } from './model-index.js';

export interface EvalOptions {
  /**
   * When true (the default, as the upstream e2e tests expect), an ipBlock containing a pod's
   * IP matches that pod. When false, ipBlocks match only endpoints that are not pods.
   */
  ipBlockMatchesPods?: boolean;
}

export function peerMatches(pi: PeerIndex, other: Endpoint, ipBlockMatchesPods: boolean): boolean {
  if (other.kind === 'pod') {
    if (pi.peer.kind === 'pods') return bitsetHas(pi.pods, other.pod.id);
    return ipBlockMatchesPods && bitsetHas(pi.pods, other.pod.id);
  }
  if (pi.peer.kind === 'pods') return false;
  const addr = other.addr;
  if (!cidrContains(pi.peer.cidr, addr)) return false;
  for (const e of pi.peer.except) if (cidrContains(e, addr)) return false;
  return true;
}

export function ruleMatchesPeer(
  r: RuleIndex,
  other: Endpoint,
  ipBlockMatchesPods: boolean,
): boolean {
  if (r.peers === null) return true;
  for (const pi of r.peers) if (peerMatches(pi, other, ipBlockMatchesPods)) return true;
  return false;
}
