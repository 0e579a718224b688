/**
 * A finding: the detectors' first pass over denied and allowed traffic, explained in numbers and
 * in words (issue: detection and alerting). Stored, updated while ongoing, closed when the
 * activity stops.
 */

export const DENIED_FINDING_TYPES = [
  'misconfiguration',
  'port-scan',
  'ip-sweep',
  'external-probe',
  'blocked-egress',
  'unknown',
] as const;
export const ALLOWED_FINDING_TYPES = [
  'traffic-spike',
  'exfiltration',
  'amplification',
  'new-connection',
] as const;
export const FINDING_TYPES = [...DENIED_FINDING_TYPES, ...ALLOWED_FINDING_TYPES] as const;
export type FindingType = (typeof FINDING_TYPES)[number];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface FindingSubject {
  cluster: string;
  namespace: string | null;
  /** `Kind/name` of the workload, or null. */
  workload: string | null;
  /** The other side: `ns/workload`, an IP, an external group, or null. */
  peer: string | null;
}

export interface FindingEvidence {
  /** Which counter the levels are in; sources without bytes fall back to flows, and say so. */
  unit: 'flows' | 'packets' | 'bytes';
  observed: number;
  /** Usual level for the same hour of week (median), or null without enough history. */
  usual: number | null;
  /** Robust spread (MAD) of the usual level, or null. */
  spread: number | null;
  distinctPorts: number | null;
  distinctHosts: number | null;
  /** Events per minute during the finding. */
  ratePerMin: number | null;
  /** Anything else worth a number, by name (e.g. bytesOutToIn ratio). */
  extra: Record<string, number>;
}

export interface Finding {
  /** Stable id: derived from type + subject + start, so re-running detection updates, not duplicates. */
  id: string;
  /**
   * What the finding is about, without its times: type + subject identity. Detection continues
   * an existing finding with the same key (same id) instead of raising a new one.
   */
  key: string;
  type: FindingType;
  severity: Severity;
  /** 0..1 */
  confidence: number;
  start: number;
  end: number;
  status: 'open' | 'closed';
  subject: FindingSubject;
  evidence: FindingEvidence;
  /** Plain-language reason, for a reviewer. */
  explanation: string;
  /** Ports, hosts or other identifiers that back the finding (bounded list). */
  samples: string[];
  updatedAt: number;
}
