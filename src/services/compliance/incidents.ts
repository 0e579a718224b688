/** Incidents of the period by status and outcome, with times to contain and resolve. */
import type { EvidenceItem } from '../../api/compliance-schema.js';
import type { Incident } from '../../domain/incident/types.js';
import { DAY_MS, HOUR_MS } from '../../domain/time.js';
import type { IncidentStats } from '../../store/incident-store.js';
import { type EvidenceInput, gapItem, item } from './evidence-input.js';
import { incidentsOf, reasonOf } from './stores.js';

/** An incident still open after this long makes the evidence partial. */
export const STALE_INCIDENT_MS = 30 * DAY_MS;

export interface IncidentFigures {
  stats: IncidentStats;
  incidents: Incident[];
}

/** Incidents of the period; a string (the reason) when they cannot be read. */
export async function incidentFigures(input: EvidenceInput): Promise<IncidentFigures | string> {
  try {
    return await readIncidents(input);
  } catch (err) {
    return reasonOf(err);
  }
}

async function readIncidents(input: EvidenceInput): Promise<IncidentFigures> {
  const store = incidentsOf(input.ctx.store);
  const filter = {
    from: input.from,
    to: input.to,
    ...(input.cluster ? { cluster: [input.cluster] } : {}),
    ...(input.namespaces ? { namespaces: [...input.namespaces] } : {}),
  };
  return {
    stats: await store.incidentStats(filter),
    incidents: await store.listIncidents({ ...filter, limit: 5000 }),
  };
}

const h = (ms: number | null): number | null =>
  ms === null ? null : Math.round((ms / HOUR_MS) * 10) / 10;

export function incidentEvidence(f: IncidentFigures | string, now: number): EvidenceItem {
  if (typeof f === 'string') return gapItem('incidents', f);
  const s = f.stats;
  const stale = f.incidents.filter(
    (i) =>
      i.status !== 'resolved' && i.status !== 'closed' && now - i.createdAt > STALE_INCIDENT_MS,
  );
  const tables = [
    {
      id: 'incidents-by-status',
      title: 'Incidents by status',
      columns: ['status', 'incidents'],
      rows: Object.entries(s.byStatus).map(([k, v]) => [k, v]),
    },
    {
      id: 'incidents-by-outcome',
      title: 'Resolved and closed incidents by outcome',
      columns: ['outcome', 'incidents'],
      rows: Object.entries(s.byOutcome).map(([k, v]) => [k, v]),
    },
    {
      id: 'incidents',
      title: 'Incidents',
      columns: ['created', 'title', 'severity', 'kind', 'status', 'outcome', 'namespaces'],
      rows: f.incidents.map((i) => [
        new Date(i.createdAt).toISOString(),
        i.title,
        i.severity,
        i.kind,
        i.status,
        i.outcome,
        i.namespaces.join(' '),
      ]),
    },
  ];
  const figures = [
    { label: 'incidents opened in period', value: s.total },
    { label: 'contained', value: s.contained },
    { label: 'resolved', value: s.resolved },
    { label: 'mean time to contain (hours)', value: h(s.meanTimeToContainMs) },
    { label: 'mean time to resolve (hours)', value: h(s.meanTimeToResolveMs) },
    { label: 'open longer than 30 days', value: stale.length },
  ];
  return item(
    'incidents',
    stale.length > 0 ? 'partial' : 'met',
    s.total === 0
      ? 'no incidents opened in the period'
      : `${s.total} incidents, ${s.resolved} resolved`,
    `${stale.length} incidents open for more than 30 days`,
    figures,
    tables,
  );
}
