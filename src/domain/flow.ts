/**
 * The one domain `Flow` that every wire format maps into (DESIGN.md §4).
 *
 * Counters a source does not report are `null`, never zero: Hubble has no byte or packet
 * counters and calico-accountant reports only packets. Consumers must treat `null` as
 * "not reported by this source".
 */

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP', 'ICMP', 'ICMPv6', 'other'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const VERDICTS = ['allowed', 'denied', 'audit'] as const;
/** `audit`: a staged or audit-mode policy would have denied the flow; it was not dropped. */
export type Verdict = (typeof VERDICTS)[number];

export const DIRECTIONS = ['ingress', 'egress', 'unknown'] as const;
/** Which side's policy decided the flow: `ingress` = the destination's, `egress` = the source's. */
export type Direction = (typeof DIRECTIONS)[number];

export const FLOW_REASONS = [
  /** Allowed by at least one named policy rule. */
  'allowed-by-policy',
  /** Allowed because no policy selects the endpoint for that direction. */
  'not-isolated',
  /** Allowed; the source does not say why. */
  'allowed',
  /** The endpoint is isolated and no rule allowed the flow (Hubble POLICY_DENIED, Calico end of tier). */
  'policy-denied',
  /** An explicit deny rule matched (Hubble POLICY_DENY, a Calico Deny rule). */
  'explicit-deny',
  /** calico-accountant's `no_policy_drop_counter`: dropped, no policy matched. */
  'no-policy-matched',
  /** A staged (pending) policy would deny it; verdict `audit`. */
  'staged-deny',
  /** Dropped for a reason that is not about policy (see `dropReason`). Not a NetworkPolicy violation. */
  'non-policy-drop',
  'unknown',
] as const;
export type FlowReason = (typeof FLOW_REASONS)[number];

export const SOURCE_FORMATS = [
  'hubble',
  'goldmane',
  'calico-flowlog',
  'accountant',
  'native',
  'simulator',
] as const;
export type SourceFormat = (typeof SOURCE_FORMATS)[number];

/** True for a source name this version knows (names read back from storage are strings). */
export function isSourceFormat(s: string): s is SourceFormat {
  return (SOURCE_FORMATS as readonly string[]).includes(s);
}

export const ENDPOINT_KINDS = ['pod', 'host', 'external', 'unknown'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

export interface WorkloadRef {
  /** Owner kind after resolving the chain: Deployment, StatefulSet, DaemonSet, CronJob, Job, Pod, … */
  kind: string;
  name: string;
}

export interface Endpoint {
  kind: EndpointKind;
  namespace: string | null;
  pod: string | null;
  workload: WorkloadRef | null;
  labels: Record<string, string>;
  ip: string | null;
  dnsNames: string[];
  /**
   * For external endpoints: `world`, `private`, or the name of a configured CIDR. Also the
   * aggregation key for external peers in rollups. `null` for in-cluster endpoints.
   */
  externalGroup: string | null;
  /** The sender aggregated the name (Calico `*`): the name is a group, not one pod. */
  aggregated?: boolean;
}

export interface PolicyRef {
  /** NetworkPolicy, CalicoNetworkPolicy, GlobalNetworkPolicy, CiliumNetworkPolicy, Profile, EndOfTier, … */
  kind: string;
  namespace: string | null;
  name: string;
  /** Rule identifier as the source gives it (index or label), or null. */
  rule: string | null;
  action: 'allow' | 'deny' | 'pass' | null;
  /** A staged / pending policy (Calico), reported for audit only. */
  staged: boolean;
  tier: string | null;
}

export interface Flow {
  /** Epoch milliseconds, start of the observation window. */
  time: number;
  cluster: string;
  src: Endpoint;
  dst: Endpoint;
  protocol: Protocol;
  /** Destination port (ICMP: null). */
  port: number | null;
  direction: Direction;
  verdict: Verdict;
  reason: FlowReason;
  /** The source's own drop reason when the flow was dropped (e.g. `POLICY_DENIED`, `STALE_OR_UNROUTABLE_IP`). */
  dropReason: string | null;
  policies: PolicyRef[];
  /** Connection attempts / flow records. */
  flows: number | null;
  packets: number | null;
  /** Bytes in both directions. */
  bytes: number | null;
  /** Bytes sent by `src` to `dst`, when the source reports directions separately. */
  bytesToDst: number | null;
  /** Bytes sent back by `dst` to `src`, when the source reports directions separately. */
  bytesToSrc: number | null;
  source: SourceFormat;
  /** Node that observed the flow, when known. */
  node: string | null;
  /** Length of the observation window in ms (0 for single events). */
  durationMs: number;
}

/** Counters a source can report; consumers use this to label units honestly. */
export interface SourceCapabilities {
  flows: boolean;
  packets: boolean;
  bytes: boolean;
  peer: boolean;
  portProtocol: boolean;
  policyAttribution: boolean;
}

export const SOURCE_CAPABILITIES: Readonly<Record<SourceFormat, SourceCapabilities>> = {
  hubble: {
    flows: true,
    packets: false,
    bytes: false,
    peer: true,
    portProtocol: true,
    policyAttribution: true,
  },
  goldmane: {
    flows: true,
    packets: true,
    bytes: true,
    peer: true,
    portProtocol: true,
    policyAttribution: true,
  },
  'calico-flowlog': {
    flows: true,
    packets: true,
    bytes: true,
    peer: true,
    portProtocol: true,
    policyAttribution: true,
  },
  accountant: {
    flows: false,
    packets: true,
    bytes: false,
    peer: false,
    portProtocol: false,
    policyAttribution: true,
  },
  native: {
    flows: true,
    packets: true,
    bytes: true,
    peer: true,
    portProtocol: true,
    policyAttribution: true,
  },
  simulator: {
    flows: true,
    packets: true,
    bytes: true,
    peer: true,
    portProtocol: true,
    policyAttribution: true,
  },
};

/** Whether a source, by the name storage gives back, counts this counter. */
function reports(source: string, counter: 'flows' | 'packets'): boolean {
  return isSourceFormat(source) && SOURCE_CAPABILITIES[source][counter];
}

/**
 * The unit a chart of traffic from these sources is drawn in: packets when every source counts
 * them, else flows when every source counts those, else packets (the reference dashboard's
 * unit). A source name this version does not know counts as reporting neither.
 * @example chartUnit(['goldmane', 'hubble']) // 'flows': Hubble does not count packets
 */
export function chartUnit(sources: readonly string[]): 'packets' | 'flows' {
  if (sources.every((s) => reports(s, 'packets'))) return 'packets';
  if (sources.every((s) => reports(s, 'flows'))) return 'flows';
  return 'packets';
}

/** An endpoint about which nothing is known (calico-accountant peers). */
export function unknownEndpoint(): Endpoint {
  return {
    kind: 'unknown',
    namespace: null,
    pod: null,
    workload: null,
    labels: {},
    ip: null,
    dnsNames: [],
    externalGroup: null,
  };
}

/** True when the flow is a NetworkPolicy violation (denied by policy, not by routing). */
export function isPolicyDenial(flow: Pick<Flow, 'verdict' | 'reason'>): boolean {
  return flow.verdict === 'denied' && flow.reason !== 'non-policy-drop';
}
