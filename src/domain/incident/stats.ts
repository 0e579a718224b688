/** Period figures over incidents (time to contain and resolve, counts by outcome): computed the same way by every store backend. */
import {
  type Incident,
  INCIDENT_KINDS,
  INCIDENT_OUTCOMES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  type IncidentKind,
  type IncidentOutcome,
  type IncidentSeverity,
  type IncidentStatus,
} from './types.js';

/** Figures for the compliance page and reports over incidents created in a period. */
export interface IncidentStats {
  total: number;
  byStatus: Record<IncidentStatus, number>;
  bySeverity: Record<IncidentSeverity, number>;
  byKind: Record<IncidentKind, number>;
  /** Resolved or closed incidents by outcome. */
  byOutcome: Record<IncidentOutcome, number>;
  /** Incidents that reached contained, and their mean and maximum time from detection. */
  contained: number;
  meanTimeToContainMs: number | null;
  maxTimeToContainMs: number | null;
  resolved: number;
  meanTimeToResolveMs: number | null;
  maxTimeToResolveMs: number | null;
}

function zeros<T extends string>(keys: readonly T[]): Record<T, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<T, number>;
}

const mean = (xs: number[]): number | null =>
  xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null;
const max = (xs: number[]): number | null => (xs.length ? Math.max(...xs) : null);

/** Figures over a set of incidents; store backends call it on the rows they selected. */
export function statsOf(incidents: readonly Incident[]): IncidentStats {
  const s: IncidentStats = {
    total: incidents.length,
    byStatus: zeros(INCIDENT_STATUSES),
    bySeverity: zeros(INCIDENT_SEVERITIES),
    byKind: zeros(INCIDENT_KINDS),
    byOutcome: zeros(INCIDENT_OUTCOMES),
    contained: 0,
    meanTimeToContainMs: null,
    maxTimeToContainMs: null,
    resolved: 0,
    meanTimeToResolveMs: null,
    maxTimeToResolveMs: null,
  };
  const contain: number[] = [];
  const resolve: number[] = [];
  for (const i of incidents) {
    s.byStatus[i.status]++;
    s.bySeverity[i.severity]++;
    s.byKind[i.kind]++;
    if (i.outcome && (i.status === 'resolved' || i.status === 'closed')) s.byOutcome[i.outcome]++;
    if (i.containedAt !== null) contain.push(Math.max(0, i.containedAt - i.detectedAt));
    if (i.resolvedAt !== null) resolve.push(Math.max(0, i.resolvedAt - i.detectedAt));
  }
  s.contained = contain.length;
  s.meanTimeToContainMs = mean(contain);
  s.maxTimeToContainMs = max(contain);
  s.resolved = resolve.length;
  s.meanTimeToResolveMs = mean(resolve);
  s.maxTimeToResolveMs = max(resolve);
  return s;
}
