/**
 * Denied events grouped into violations: one per source, destination, port, protocol,
 * direction and deciding policy (or reason), with first/last seen, count and peers.
 * Only policy denials count; drops for other reasons are not NetworkPolicy violations.
 */
import { type Flow, isPolicyDenial } from '../flow.js';
import { hostKey, peerKey } from './names.js';

export interface Violation {
  key: string;
  cluster: string;
  /** `ns/workload` or an external IP. */
  src: string;
  dst: string;
  srcExternal: boolean;
  dstExternal: boolean;
  port: number | null;
  protocol: Flow['protocol'];
  direction: Flow['direction'];
  /** `ns/name` of the denying policy, or the reason when none is named. */
  policyOrReason: string;
  firstSeen: number;
  lastSeen: number;
  /** Connection attempts (the events' `flows`, 1 when not reported). */
  count: number;
  /** Pods or IPs seen on each side (bounded by `maxPeers`). */
  srcPeers: string[];
  dstPeers: string[];
}

/** The deciding policy of a denied flow: the first deny, else the first named policy. */
export function policyOrReason(f: Flow): string {
  const deny = f.policies.find((p) => p.action === 'deny' && !p.staged) ?? f.policies[0];
  if (deny) return deny.namespace ? `${deny.namespace}/${deny.name}` : deny.name;
  return f.reason;
}

export const attempts = (f: Flow): number => Math.max(1, f.flows ?? 1);

/**
 * Groups the policy denials among `events` into violations, in order of first appearance.
 * @example groupViolations(flows).map((v) => `${v.src} → ${v.dst}:${v.port} ×${v.count}`)
 */
export function groupViolations(events: readonly Flow[], maxPeers = 20): Violation[] {
  const out = new Map<string, Violation & { sp: Set<string>; dp: Set<string> }>();
  for (const f of events) {
    if (!isPolicyDenial(f)) continue;
    const src = peerKey(f.src);
    const dst = peerKey(f.dst);
    const pol = policyOrReason(f);
    const key = [f.cluster, src, dst, f.port ?? '', f.protocol, f.direction, pol].join('|');
    let v = out.get(key);
    if (!v) {
      v = {
        key,
        cluster: f.cluster,
        src,
        dst,
        srcExternal: f.src.kind === 'external',
        dstExternal: f.dst.kind === 'external',
        port: f.port,
        protocol: f.protocol,
        direction: f.direction,
        policyOrReason: pol,
        firstSeen: f.time,
        lastSeen: f.time,
        count: 0,
        srcPeers: [],
        dstPeers: [],
        sp: new Set(),
        dp: new Set(),
      };
      out.set(key, v);
    }
    v.firstSeen = Math.min(v.firstSeen, f.time);
    v.lastSeen = Math.max(v.lastSeen, f.time + f.durationMs);
    v.count += attempts(f);
    if (v.sp.size < maxPeers) v.sp.add(hostKey(f.src));
    if (v.dp.size < maxPeers) v.dp.add(hostKey(f.dst));
  }
  return [...out.values()].map(({ sp, dp, ...v }) => ({
    ...v,
    srcPeers: [...sp].sort(),
    dstPeers: [...dp].sort(),
  }));
}
