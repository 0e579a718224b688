/**
 * Incidents (issue #8): what a security officer opens when a finding, a denied group or a flow
 * looks like an attack or a misconfiguration worth following up, and tracks to closure.
 */

export const INCIDENT_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

export const INCIDENT_KINDS = ['attack', 'misconfiguration', 'other'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** In order: an incident moves forward through these; reopening moves it back (transitions.ts). */
export const INCIDENT_STATUSES = [
  'open',
  'investigating',
  'contained',
  'resolved',
  'closed',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** How an incident ended: what the compliance evidence counts ("incidents by outcome"). */
export const INCIDENT_OUTCOMES = [
  'attack-contained',
  'misconfiguration-fixed',
  'false-positive',
  'accepted-risk',
  'other',
] as const;
export type IncidentOutcome = (typeof INCIDENT_OUTCOMES)[number];

export const TIMELINE_KINDS = [
  'created',
  'comment',
  'status',
  'assign',
  'link',
  'notify',
  'quarantine-plan',
  'quarantine-apply',
  'escalation',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** One side of a referenced flow. Every string in it may come from an attacker. */
export interface FlowRefEndpoint {
  namespace: string | null;
  pod: string | null;
  /** Workload name, or `Kind/name`. */
  workload: string | null;
  /** IP or external group when the side is not a pod. */
  ip?: string | null;
}

/** A flow (or a denied group) an incident points at. */
export interface FlowRef {
  time: number;
  cluster: string;
  src: FlowRefEndpoint;
  dst: FlowRefEndpoint;
  protocol: string;
  port: number | null;
  verdict: 'allowed' | 'denied' | 'audit';
}

export type IncidentLink =
  | { kind: 'finding'; findingId: string }
  | { kind: 'flow'; flow: FlowRef }
  | { kind: 'review'; reviewId: string; itemKey: string | null };

export interface StoredIncidentLink {
  link: IncidentLink;
  addedAt: number;
  addedBy: string;
}

export interface Incident {
  id: string;
  cluster: string;
  title: string;
  severity: IncidentSeverity;
  kind: IncidentKind;
  status: IncidentStatus;
  assignee: string | null;
  createdAt: number;
  createdBy: string;
  /** The earliest linked finding's start, or the flow's time, or the creation time. */
  detectedAt: number;
  /** First time the incident reached contained (or a later status); null until then. */
  containedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  outcome: IncidentOutcome | null;
  resolution: string | null;
  /** Namespaces the incident touches (subject, src or dst): what developer scope filters on. */
  namespaces: string[];
  updatedAt: number;
}

export interface TimelineEntry {
  id: number;
  time: number;
  actor: string;
  kind: TimelineKind;
  text: string;
  details: Record<string, unknown>;
}

export type TimelineEntryInput = Omit<TimelineEntry, 'id'>;

export interface IncidentDetail {
  incident: Incident;
  timeline: TimelineEntry[];
  links: StoredIncidentLink[];
}
