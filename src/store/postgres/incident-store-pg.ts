/**
 * PostgreSQL incidents, timelines and links (migration 6), on the flow store's pool. Row
 * mapping is shared with the SQLite store (same columns). Changes lock the incident row
 * (`FOR UPDATE`) so that two replicas changing one incident apply one after the other.
 * @example const incidents = new PgIncidentStore(store.pool);
 */
import type pg from 'pg';

import { statsOf } from '../../domain/incident/stats.js';
import type {
  Incident,
  IncidentDetail,
  StoredIncidentLink,
  TimelineEntry,
  TimelineEntryInput,
} from '../../domain/incident/types.js';
import {
  type IncidentFilter,
  type IncidentPatch,
  type IncidentStats,
  type IncidentStore,
  linkKey,
  type NewIncident,
} from '../incident-store.js';
import {
  incidentFromRow,
  incidentParams,
  type IncidentRow,
  linkFromRow,
  type LinkRow,
  timelineFromRow,
  type TimelineRow,
} from '../sqlite/incident-store-sqlite-rows.js';
import { pgText } from './text.js';
import { inTransaction, placeholders, textList, valuesOf } from './tx.js';

const PATCH_COLUMNS: Record<Exclude<keyof IncidentPatch, 'namespaces'>, string> = {
  title: 'title',
  severity: 'severity',
  kind: 'kind',
  status: 'status',
  assignee: 'assignee',
  containedAt: 'contained_at',
  resolvedAt: 'resolved_at',
  closedAt: 'closed_at',
  outcome: 'outcome',
  resolution: 'resolution',
  updatedAt: 'updated_at',
};

// Parameter names of incidentParams, in column order.
const INSERT_KEYS = [
  'id',
  'cluster',
  'title',
  'severity',
  'kind',
  'status',
  'assignee',
  'createdAt',
  'createdBy',
  'detectedAt',
  'containedAt',
  'resolvedAt',
  'closedAt',
  'outcome',
  'resolution',
  'namespaces',
  'updatedAt',
];
const INSERT = `INSERT INTO incidents (id, cluster, title, severity, kind, status, assignee,
  created_at, created_by, detected_at, contained_at, resolved_at, closed_at, outcome, resolution,
  namespaces, updated_at) VALUES (${placeholders(INSERT_KEYS.length)})`;

/** WHERE clause of the incident queries (alias `i`). */
function incidentWhere(f: IncidentFilter): { where: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  const arg = (v: unknown): string => {
    values.push(v);
    return `$${values.length}`;
  };
  const inList = (col: string, list: readonly string[] | undefined): void => {
    if (list) parts.push(`${col} = ANY(${arg(textList(list))}::text[])`);
  };
  if (f.from !== undefined) parts.push(`i.created_at >= ${arg(f.from)}`);
  if (f.to !== undefined) parts.push(`i.created_at < ${arg(f.to)}`);
  inList('i.cluster', f.cluster);
  inList('i.status', f.status);
  inList('i.severity', f.severity);
  inList('i.kind', f.kind);
  inList('i.outcome', f.outcome);
  if (f.assignee !== undefined) parts.push(`i.assignee = ${arg(pgText(f.assignee))}`);
  if (f.namespaces)
    parts.push(
      `EXISTS (SELECT 1 FROM incident_namespaces n WHERE n.incident_id = i.id
         AND n.namespace = ANY(${arg(textList(f.namespaces))}::text[]))`,
    );
  if (f.findingId !== undefined)
    parts.push(
      `EXISTS (SELECT 1 FROM incident_links l WHERE l.incident_id = i.id
         AND l.finding_id = ${arg(pgText(f.findingId))})`,
    );
  return { where: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}

type Db = pg.Pool | pg.PoolClient;

export class PgIncidentStore implements IncidentStore {
  constructor(private readonly pool: pg.Pool) {}

  private async insertEntry(
    c: pg.PoolClient,
    id: string,
    e: TimelineEntryInput,
  ): Promise<TimelineEntry> {
    const r = await c.query<{ id: number }>(
      `INSERT INTO incident_timeline (incident_id, time, actor, kind, text, details)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [pgText(id), e.time, pgText(e.actor), e.kind, pgText(e.text), JSON.stringify(e.details)],
    );
    return { ...e, id: r.rows[0]?.id ?? 0 };
  }

  private async insertLinks(
    c: pg.PoolClient,
    id: string,
    links: readonly StoredIncidentLink[],
  ): Promise<number> {
    let added = 0;
    for (const l of links) {
      const findingId = l.link.kind === 'finding' ? l.link.findingId : null;
      const r = await c.query(
        `INSERT INTO incident_links (incident_id, link_key, kind, finding_id, link, added_at, added_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
        [
          pgText(id),
          pgText(linkKey(l.link)),
          l.link.kind,
          pgText(findingId),
          JSON.stringify(l.link),
          l.addedAt,
          pgText(l.addedBy),
        ],
      );
      added += r.rowCount ?? 0;
    }
    return added;
  }

  private async setNamespaces(
    c: pg.PoolClient,
    id: string,
    namespaces: readonly string[],
  ): Promise<void> {
    await c.query('DELETE FROM incident_namespaces WHERE incident_id = $1', [pgText(id)]);
    await c.query(
      `INSERT INTO incident_namespaces (incident_id, namespace)
       SELECT $1, ns FROM unnest($2::text[]) AS ns ON CONFLICT DO NOTHING`,
      [pgText(id), textList(namespaces)],
    );
    await c.query('UPDATE incidents SET namespaces = $1 WHERE id = $2', [
      JSON.stringify([...new Set(namespaces)].sort()),
      pgText(id),
    ]);
  }

  private async get(id: string, db: Db = this.pool, lock = false): Promise<Incident | null> {
    const res = await db.query<IncidentRow>(
      `SELECT * FROM incidents WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [pgText(id)],
    );
    const row = res.rows[0];
    return row ? incidentFromRow(row) : null;
  }

  async createIncident(input: NewIncident): Promise<IncidentDetail> {
    const i = input.incident;
    await inTransaction(this.pool, async (c) => {
      await c.query(INSERT, valuesOf(incidentParams(i), INSERT_KEYS));
      await this.setNamespaces(c, i.id, i.namespaces);
      await this.insertLinks(c, i.id, input.links);
      for (const e of input.timeline) await this.insertEntry(c, i.id, e);
    });
    const detail = await this.getIncident(i.id);
    if (!detail) throw new Error(`incident ${i.id} vanished after insert`);
    return detail;
  }

  async getIncident(id: string): Promise<IncidentDetail | null> {
    const incident = await this.get(id);
    if (!incident) return null;
    const timeline = (
      await this.pool.query<TimelineRow>(
        'SELECT * FROM incident_timeline WHERE incident_id = $1 ORDER BY time, id',
        [pgText(id)],
      )
    ).rows.map((r) => timelineFromRow(r, id));
    const links = (
      await this.pool.query<LinkRow>(
        'SELECT link, added_at, added_by FROM incident_links WHERE incident_id = $1 ORDER BY added_at, seq',
        [pgText(id)],
      )
    ).rows.map(linkFromRow);
    return { incident, timeline, links };
  }

  async listIncidents(filter: IncidentFilter = {}): Promise<Incident[]> {
    const { where, values } = incidentWhere(filter);
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 500)), 5000);
    const res = await this.pool.query<IncidentRow>(
      `SELECT * FROM incidents i ${where} ORDER BY created_at DESC, id LIMIT ${limit}`,
      values,
    );
    return res.rows.map(incidentFromRow);
  }

  async updateIncident(
    id: string,
    patch: IncidentPatch,
    entries: readonly TimelineEntryInput[],
  ): Promise<Incident | null> {
    return inTransaction(this.pool, async (c) => {
      if (!(await this.get(id, c, true))) return null;
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [k, col] of Object.entries(PATCH_COLUMNS)) {
        const v = patch[k as keyof typeof PATCH_COLUMNS];
        if (v === undefined) continue;
        values.push(typeof v === 'string' ? pgText(v) : v);
        sets.push(`${col} = $${values.length}`);
      }
      values.push(pgText(id));
      await c.query(`UPDATE incidents SET ${sets.join(', ')} WHERE id = $${values.length}`, values);
      if (patch.namespaces) await this.setNamespaces(c, id, patch.namespaces);
      for (const e of entries) await this.insertEntry(c, id, e);
      return this.get(id, c);
    });
  }

  async addTimelineEntry(id: string, entry: TimelineEntryInput): Promise<TimelineEntry | null> {
    return inTransaction(this.pool, async (c) => {
      if (!(await this.get(id, c, true))) return null;
      await c.query('UPDATE incidents SET updated_at = GREATEST(updated_at, $1) WHERE id = $2', [
        entry.time,
        pgText(id),
      ]);
      return this.insertEntry(c, id, entry);
    });
  }

  async addLinks(
    id: string,
    links: readonly StoredIncidentLink[],
    detectedAt?: number,
  ): Promise<number | null> {
    return inTransaction(this.pool, async (c) => {
      if (!(await this.get(id, c, true))) return null;
      const added = await this.insertLinks(c, id, links);
      if (detectedAt !== undefined)
        await c.query('UPDATE incidents SET detected_at = LEAST(detected_at, $1) WHERE id = $2', [
          detectedAt,
          pgText(id),
        ]);
      return added;
    });
  }

  async incidentStats(
    filter: Pick<IncidentFilter, 'from' | 'to' | 'cluster' | 'namespaces'> = {},
  ): Promise<IncidentStats> {
    const { where, values } = incidentWhere(filter);
    const res = await this.pool.query<IncidentRow>(`SELECT * FROM incidents i ${where}`, values);
    return statsOf(res.rows.map(incidentFromRow));
  }

  async deleteClosedBefore(before: number): Promise<number> {
    const res = await this.pool.query(
      "DELETE FROM incidents WHERE status = 'closed' AND closed_at < $1",
      [before],
    );
    return res.rowCount ?? 0;
  }
}
