/**
 * Storage of incidents, their timelines and links (issue #8). Backend-free: the SQLite
 * implementation is in sqlite/incident-store-sqlite.ts, and every backend passes
 * contract/incident-contract.ts. Kept 3 years by default, like findings (DESIGN.md §5).
 */
import type { IncidentStats } from '../domain/incident/stats.js';
import type {
  Incident,
  IncidentDetail,
  IncidentKind,
  IncidentOutcome,
  IncidentSeverity,
  IncidentStatus,
  StoredIncidentLink,
  TimelineEntry,
  TimelineEntryInput,
} from '../domain/incident/types.js';

export type { IncidentStats } from '../domain/incident/stats.js';

/** A new incident: the caller (service) picks the id and resolves every field. */
export interface NewIncident {
  incident: Incident;
  links: StoredIncidentLink[];
  /** Usually one 'created' entry. */
  timeline: TimelineEntryInput[];
}

/** Fields a change may set; absent keys stay as they are. */
export type IncidentPatch = Partial<
  Pick<
    Incident,
    | 'title'
    | 'severity'
    | 'kind'
    | 'status'
    | 'assignee'
    | 'containedAt'
    | 'resolvedAt'
    | 'closedAt'
    | 'outcome'
    | 'resolution'
    | 'namespaces'
  >
> & { updatedAt: number };

export interface IncidentFilter {
  /** Incidents created in [from, to). */
  from?: number;
  to?: number;
  cluster?: string[];
  status?: IncidentStatus[];
  severity?: IncidentSeverity[];
  kind?: IncidentKind[];
  outcome?: IncidentOutcome[];
  assignee?: string;
  /** Only incidents touching at least one of these namespaces (developer scope). */
  namespaces?: string[];
  /** Incidents linked to this finding. */
  findingId?: string;
  /** Default 500, at most 5000; newest first. */
  limit?: number;
}

export interface IncidentStore {
  /** Stores an incident with its links and first timeline entries, in one transaction. Fails on a duplicate id. */
  createIncident(input: NewIncident): Promise<IncidentDetail>;
  getIncident(id: string): Promise<IncidentDetail | null>;
  listIncidents(filter?: IncidentFilter): Promise<Incident[]>;
  /** Applies a change and appends timeline entries in one transaction; null for an unknown id. */
  updateIncident(
    id: string,
    patch: IncidentPatch,
    entries: readonly TimelineEntryInput[],
  ): Promise<Incident | null>;
  /** Appends one entry; null for an unknown id. */
  addTimelineEntry(id: string, entry: TimelineEntryInput): Promise<TimelineEntry | null>;
  /** Adds links (duplicates are skipped) and sets `detectedAt` to the earlier of the two. Returns how many were new; null for an unknown id. */
  addLinks(
    id: string,
    links: readonly StoredIncidentLink[],
    detectedAt?: number,
  ): Promise<number | null>;
  incidentStats(
    filter?: Pick<IncidentFilter, 'from' | 'to' | 'cluster' | 'namespaces'>,
  ): Promise<IncidentStats>;
  /** Deletes incidents closed before `before` (retention), with their timelines and links. */
  deleteClosedBefore(before: number): Promise<number>;
}

export const DEFAULT_INCIDENT_RETENTION_MS = 3 * 365 * 86_400_000;

/** A stable text key of a link, so the same link is never stored twice. */
export function linkKey(l: StoredIncidentLink['link']): string {
  switch (l.kind) {
    case 'finding':
      return `finding|${l.findingId}`;
    case 'review':
      return `review|${l.reviewId}|${l.itemKey ?? ''}`;
    case 'flow': {
      const f = l.flow;
      const side = (e: typeof f.src): string =>
        [e.namespace ?? '', e.pod ?? '', e.workload ?? '', e.ip ?? ''].join('/');
      return `flow|${f.time}|${f.cluster}|${side(f.src)}|${side(f.dst)}|${f.protocol}|${f.port ?? ''}|${f.verdict}`;
    }
  }
}
