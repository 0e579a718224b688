/**
 * Pieces shared by the two Calico formats (Goldmane/Whisker and Enterprise flow logs):
 * endpoints named by type and name, byte direction by reporter, and the verdict/reason rules.
 */
import type { Endpoint, EndpointKind, FlowReason, PolicyRef, Verdict } from '../../domain/flow.js';

export type CalicoEndpointType = 'wep' | 'hep' | 'ns' | 'net' | null;

const TYPE_ALIASES: Readonly<Record<string, CalicoEndpointType>> = {
  wep: 'wep',
  WorkloadEndpoint: 'wep',
  hep: 'hep',
  HostEndpoint: 'hep',
  ns: 'ns',
  NetworkSet: 'ns',
  net: 'net',
  Network: 'net',
  '1': 'wep',
  '2': 'hep',
  '3': 'ns',
  '4': 'net',
};

export function endpointTypeOf(v: unknown): CalicoEndpointType {
  return typeof v === 'string' || typeof v === 'number' ? (TYPE_ALIASES[String(v)] ?? null) : null;
}

export interface CalicoEndpointInput {
  type: CalicoEndpointType;
  name: string | null;
  namespace: string | null;
  labels: Record<string, string>;
  ip: string | null;
  /** Groups an external IP (named CIDR, private, world). */
  groupOf: (ip: string) => string;
}

/**
 * `pub` / `pvt` are Calico's names for public and private networks it knows nothing about;
 * a NetworkSet's name is the natural group for its members.
 */
export function calicoEndpoint(e: CalicoEndpointInput): Endpoint {
  const name = e.name === '-' ? null : e.name;
  let type = e.type;
  if (type === null) {
    if (name === 'pub' || name === 'pvt') type = 'net';
    else if (e.namespace !== null) type = 'wep';
    else if (name !== null) type = 'hep';
  }
  let kind: EndpointKind = 'unknown';
  let externalGroup: string | null = null;
  if (type === 'wep') kind = 'pod';
  else if (type === 'hep') kind = 'host';
  else if (type === 'ns' || type === 'net') {
    kind = 'external';
    if (name === 'pub') externalGroup = 'world';
    else if (name === 'pvt') externalGroup = 'private';
    else if (type === 'ns' && name !== null) externalGroup = name;
    else externalGroup = e.ip !== null ? e.groupOf(e.ip) : 'world';
  }
  const out: Endpoint = {
    kind,
    namespace: e.namespace,
    pod: kind === 'pod' ? name : null,
    workload: kind === 'host' && name !== null ? { kind: 'HostEndpoint', name } : null,
    labels: e.labels,
    ip: e.ip,
    dnsNames: [],
    externalGroup,
  };
  if (name !== null && name.includes('*')) out.aggregated = true;
  return out;
}

/** Byte direction: the reporter's `out` is what it sent. */
export function splitBytes(
  reporter: 'src' | 'dst' | null,
  bytesIn: number | null,
  bytesOut: number | null,
): { bytesToDst: number | null; bytesToSrc: number | null } {
  if (reporter === 'src') return { bytesToDst: bytesOut, bytesToSrc: bytesIn };
  if (reporter === 'dst') return { bytesToDst: bytesIn, bytesToSrc: bytesOut };
  return { bytesToDst: null, bytesToSrc: null };
}

/** A policy hit with the one fact the reason rules need: was it an end-of-tier default? */
export interface Hit {
  ref: PolicyRef;
  endOfTier: boolean;
}

/** The hit that decided: the first Allow or Deny in evaluation order (Pass hands on). */
export function decidingHit(hits: readonly Hit[]): Hit | null {
  for (const h of hits) if (h.ref.action === 'allow' || h.ref.action === 'deny') return h;
  return null;
}

/**
 * Verdict and reason from the final action and the enforced and pending traces. A pending
 * (staged) deny on an allowed flow makes it `audit`; an end-of-tier deny is `policy-denied`;
 * a Deny rule is `explicit-deny`; a Profile allow means no policy isolated the endpoint.
 */
export function decide(
  action: 'allow' | 'deny' | 'pass',
  enforced: readonly Hit[],
  pending: readonly Hit[],
): { verdict: Verdict; reason: FlowReason } {
  const hit = decidingHit(enforced);
  let denied = action === 'deny';
  if (action === 'pass') denied = hit?.ref.action === 'deny';
  if (denied) {
    if (hit === null || hit.ref.action !== 'deny') return { verdict: 'denied', reason: 'unknown' };
    return { verdict: 'denied', reason: hit.endOfTier ? 'policy-denied' : 'explicit-deny' };
  }
  if (pending.length > 0 && decidingHit(pending)?.ref.action === 'deny') {
    return { verdict: 'audit', reason: 'staged-deny' };
  }
  if (hit === null) return { verdict: 'allowed', reason: 'allowed' };
  return {
    verdict: 'allowed',
    reason: hit.ref.kind === 'Profile' ? 'not-isolated' : 'allowed-by-policy',
  };
}

/** Pending hits repeat the enforced ones they agree with; keep only what the staged view adds. */
export function mergePolicies(enforced: readonly Hit[], pending: readonly Hit[]): PolicyRef[] {
  const out = enforced.map((h) => h.ref);
  const seen = new Set(out.map(keyOf));
  for (const h of pending) {
    const ref = { ...h.ref, staged: true };
    if (!seen.has(keyOf(ref)) && !seen.has(keyOf(h.ref))) {
      seen.add(keyOf(ref));
      out.push(ref);
    }
  }
  return out;
}

function keyOf(r: PolicyRef): string {
  return `${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}\u0000${r.action ?? ''}\u0000${r.rule ?? ''}`;
}

export function actionOf(v: unknown): 'allow' | 'deny' | 'pass' | null {
  if (typeof v === 'number') return v === 1 ? 'allow' : v === 2 ? 'deny' : v === 3 ? 'pass' : null;
  if (typeof v !== 'string') return null;
  const a = v.toLowerCase();
  return a === 'allow' || a === 'deny' || a === 'pass' ? a : null;
}

export function reporterOf(v: unknown): 'src' | 'dst' | null {
  if (v === 1) return 'src';
  if (v === 2) return 'dst';
  if (typeof v !== 'string') return null;
  const r = v.toLowerCase();
  return r === 'src' || r === 'dst' ? r : null;
}
