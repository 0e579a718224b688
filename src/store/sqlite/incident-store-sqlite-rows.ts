/** Row mapping of the SQLite incident tables, read back defensively (a value outside the vocabulary is a corrupt row). */
import {
  type Incident,
  INCIDENT_KINDS,
  INCIDENT_OUTCOMES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  type StoredIncidentLink,
  TIMELINE_KINDS,
  type TimelineEntry,
} from '../../domain/incident/types.js';

export interface IncidentRow {
  id: string;
  cluster: string;
  title: string;
  severity: string;
  kind: string;
  status: string;
  assignee: string | null;
  created_at: number;
  created_by: string;
  detected_at: number;
  contained_at: number | null;
  resolved_at: number | null;
  closed_at: number | null;
  outcome: string | null;
  resolution: string | null;
  namespaces: string;
  updated_at: number;
}

function oneOf<T extends string>(list: readonly T[], v: string, what: string, id: string): T {
  if (!(list as readonly string[]).includes(v)) throw new Error(`incident ${id}: bad ${what}`);
  return v as T;
}

export function incidentFromRow(r: IncidentRow): Incident {
  const ns: unknown = JSON.parse(r.namespaces);
  return {
    id: r.id,
    cluster: r.cluster,
    title: r.title,
    severity: oneOf(INCIDENT_SEVERITIES, r.severity, 'severity', r.id),
    kind: oneOf(INCIDENT_KINDS, r.kind, 'kind', r.id),
    status: oneOf(INCIDENT_STATUSES, r.status, 'status', r.id),
    assignee: r.assignee,
    createdAt: r.created_at,
    createdBy: r.created_by,
    detectedAt: r.detected_at,
    containedAt: r.contained_at,
    resolvedAt: r.resolved_at,
    closedAt: r.closed_at,
    outcome: r.outcome === null ? null : oneOf(INCIDENT_OUTCOMES, r.outcome, 'outcome', r.id),
    resolution: r.resolution,
    namespaces: Array.isArray(ns) ? ns.map(String) : [],
    updatedAt: r.updated_at,
  };
}

export function incidentParams(i: Incident): Record<string, unknown> {
  return {
    id: i.id,
    cluster: i.cluster,
    title: i.title,
    severity: i.severity,
    kind: i.kind,
    status: i.status,
    assignee: i.assignee,
    createdAt: i.createdAt,
    createdBy: i.createdBy,
    detectedAt: i.detectedAt,
    containedAt: i.containedAt,
    resolvedAt: i.resolvedAt,
    closedAt: i.closedAt,
    outcome: i.outcome,
    resolution: i.resolution,
    namespaces: JSON.stringify(i.namespaces),
    updatedAt: i.updatedAt,
  };
}

export interface TimelineRow {
  id: number;
  time: number;
  actor: string;
  kind: string;
  text: string;
  details: string;
}

export function timelineFromRow(r: TimelineRow, incidentId: string): TimelineEntry {
  const details: unknown = JSON.parse(r.details);
  return {
    id: r.id,
    time: r.time,
    actor: r.actor,
    kind: oneOf(TIMELINE_KINDS, r.kind, 'timeline kind', incidentId),
    text: r.text,
    details:
      details && typeof details === 'object' && !Array.isArray(details)
        ? (details as Record<string, unknown>)
        : {},
  };
}

export interface LinkRow {
  link: string;
  added_at: number;
  added_by: string;
}

export function linkFromRow(r: LinkRow): StoredIncidentLink {
  return {
    link: JSON.parse(r.link) as StoredIncidentLink['link'],
    addedAt: r.added_at,
    addedBy: r.added_by,
  };
}
