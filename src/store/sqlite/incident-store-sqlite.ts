/**
 * SQLite incident tables (migration 6). Shares the flow store's connection.
 * @example const incidents = openSqliteIncidentStore(openSqliteStore({ path }).db);
 */
import type Database from 'better-sqlite3';

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
import { incidentWhere } from './incident-store-sqlite-query.js';
import {
  incidentFromRow,
  incidentParams,
  type IncidentRow,
  linkFromRow,
  type LinkRow,
  timelineFromRow,
  type TimelineRow,
} from './incident-store-sqlite-rows.js';

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

export class SqliteIncidentStore implements IncidentStore {
  constructor(private readonly db: Database.Database) {}

  private insertEntry(id: string, e: TimelineEntryInput): TimelineEntry {
    const r = this.db
      .prepare(
        `INSERT INTO incident_timeline (incident_id, time, actor, kind, text, details)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(id, e.time, e.actor, e.kind, e.text, JSON.stringify(e.details));
    return { ...e, id: Number(r.lastInsertRowid) };
  }

  private insertLinks(id: string, links: readonly StoredIncidentLink[]): number {
    const stmt = this.db.prepare(
      `INSERT INTO incident_links (incident_id, link_key, kind, finding_id, link, added_at, added_by)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    let added = 0;
    for (const l of links) {
      const findingId = l.link.kind === 'finding' ? l.link.findingId : null;
      const key = linkKey(l.link);
      added += stmt.run(
        id,
        key,
        l.link.kind,
        findingId,
        JSON.stringify(l.link),
        l.addedAt,
        l.addedBy,
      ).changes;
    }
    return added;
  }

  private setNamespaces(id: string, namespaces: readonly string[]): void {
    this.db.prepare('DELETE FROM incident_namespaces WHERE incident_id = ?').run(id);
    const stmt = this.db.prepare(
      'INSERT OR IGNORE INTO incident_namespaces (incident_id, namespace) VALUES (?, ?)',
    );
    for (const ns of namespaces) stmt.run(id, ns);
    this.db
      .prepare('UPDATE incidents SET namespaces = ? WHERE id = ?')
      .run(JSON.stringify([...new Set(namespaces)].sort()), id);
  }

  private get(id: string): Incident | null {
    const row = this.db.prepare('SELECT * FROM incidents WHERE id = ?').get(id) as
      IncidentRow | undefined;
    return row ? incidentFromRow(row) : null;
  }

  async createIncident(input: NewIncident): Promise<IncidentDetail> {
    const i = input.incident;
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO incidents (id, cluster, title, severity, kind, status, assignee, created_at,
             created_by, detected_at, contained_at, resolved_at, closed_at, outcome, resolution,
             namespaces, updated_at)
           VALUES (@id, @cluster, @title, @severity, @kind, @status, @assignee, @createdAt,
             @createdBy, @detectedAt, @containedAt, @resolvedAt, @closedAt, @outcome, @resolution,
             @namespaces, @updatedAt)`,
        )
        .run(incidentParams(i));
      this.setNamespaces(i.id, i.namespaces);
      this.insertLinks(i.id, input.links);
      for (const e of input.timeline) this.insertEntry(i.id, e);
    })();
    const detail = await this.getIncident(i.id);
    if (!detail) throw new Error(`incident ${i.id} vanished after insert`);
    return detail;
  }

  async getIncident(id: string): Promise<IncidentDetail | null> {
    const incident = this.get(id);
    if (!incident) return null;
    const timeline = (
      this.db
        .prepare('SELECT * FROM incident_timeline WHERE incident_id = ? ORDER BY time, id')
        .all(id) as TimelineRow[]
    ).map((r) => timelineFromRow(r, id));
    const links = (
      this.db
        .prepare(
          'SELECT link, added_at, added_by FROM incident_links WHERE incident_id = ? ORDER BY added_at, rowid',
        )
        .all(id) as LinkRow[]
    ).map(linkFromRow);
    return { incident, timeline, links };
  }

  async listIncidents(filter: IncidentFilter = {}): Promise<Incident[]> {
    const { where, params } = incidentWhere(filter);
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 500)), 5000);
    const rows = this.db
      .prepare(`SELECT * FROM incidents i ${where} ORDER BY created_at DESC, id LIMIT ${limit}`)
      .all(...params) as IncidentRow[];
    return rows.map(incidentFromRow);
  }

  async updateIncident(
    id: string,
    patch: IncidentPatch,
    entries: readonly TimelineEntryInput[],
  ): Promise<Incident | null> {
    return this.db.transaction(() => {
      if (!this.get(id)) return null;
      const sets: string[] = [];
      const values: unknown[] = [];
      for (const [k, col] of Object.entries(PATCH_COLUMNS)) {
        const v = patch[k as keyof typeof PATCH_COLUMNS];
        if (v === undefined) continue;
        sets.push(`${col} = ?`);
        values.push(v);
      }
      this.db.prepare(`UPDATE incidents SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
      if (patch.namespaces) this.setNamespaces(id, patch.namespaces);
      for (const e of entries) this.insertEntry(id, e);
      return this.get(id);
    })();
  }

  async addTimelineEntry(id: string, entry: TimelineEntryInput): Promise<TimelineEntry | null> {
    return this.db.transaction(() => {
      if (!this.get(id)) return null;
      this.db
        .prepare('UPDATE incidents SET updated_at = MAX(updated_at, ?) WHERE id = ?')
        .run(entry.time, id);
      return this.insertEntry(id, entry);
    })();
  }

  async addLinks(
    id: string,
    links: readonly StoredIncidentLink[],
    detectedAt?: number,
  ): Promise<number | null> {
    return this.db.transaction(() => {
      if (!this.get(id)) return null;
      const added = this.insertLinks(id, links);
      if (detectedAt !== undefined) {
        this.db
          .prepare('UPDATE incidents SET detected_at = MIN(detected_at, ?) WHERE id = ?')
          .run(detectedAt, id);
      }
      return added;
    })();
  }

  async incidentStats(
    filter: Pick<IncidentFilter, 'from' | 'to' | 'cluster' | 'namespaces'> = {},
  ): Promise<IncidentStats> {
    const { where, params } = incidentWhere(filter);
    const rows = this.db
      .prepare(`SELECT * FROM incidents i ${where}`)
      .all(...params) as IncidentRow[];
    return statsOf(rows.map(incidentFromRow));
  }

  async deleteClosedBefore(before: number): Promise<number> {
    return this.db
      .prepare("DELETE FROM incidents WHERE status = 'closed' AND closed_at < ?")
      .run(before).changes;
  }
}

export function openSqliteIncidentStore(db: Database.Database): SqliteIncidentStore {
  return new SqliteIncidentStore(db);
}
