/** Raw-event queries: newest first, keyset pagination over (time, id). */
import type Database from 'better-sqlite3';

import type { VersionSighting } from '../../domain/detect/changes.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { FlowFilter, FlowPage, ReplyBytesQuery, ReplyBytesRow } from '../flow-store.js';
import { InvalidQueryError } from '../flow-store.js';
import { RAW_READ_COLUMNS, rowValuesToFlow } from '../raw-row.js';
import { replyBytesPorts, replyBytesSql } from '../reply-bytes.js';
import { rowToSighting, VERSION_COLUMNS, VERSION_ORDER } from '../version-rows.js';
import { filterWhere, whereSql } from './filter-sql.js';

export const DEFAULT_PAGE_LIMIT = 100;
const RAW_SELECT = RAW_READ_COLUMNS.join(', ');
export const MAX_PAGE_LIMIT = 10_000;

export function queryFlows(
  db: Database.Database,
  filter: FlowFilter,
  page: { limit?: number; cursor?: string | null } = {},
): FlowPage {
  const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
  const where = filterWhere(filter, 'raw');
  if (filter.from !== undefined) {
    where.clauses.push('time >= ?');
    where.params.push(filter.from);
  }
  if (filter.to !== undefined) {
    where.clauses.push('time < ?');
    where.params.push(filter.to);
  }
  if (page.cursor) {
    const pos = decodeCursor(page.cursor);
    where.clauses.push('(time < ? OR (time = ? AND id < ?))');
    where.params.push(pos.time, pos.time, pos.id);
  }
  // One row more than asked tells whether a next page exists without a second query.
  // Arrays, not objects: building a 35-key object per row in native code costs more than the
  // rest of the read.
  const rows = db
    .prepare(
      `SELECT ${RAW_SELECT} FROM flow_events ${whereSql(where)} ORDER BY time DESC, id DESC LIMIT ?`,
    )
    .raw(true)
    .all(...where.params, limit + 1) as unknown[][];
  const flows = rows.slice(0, limit).map(rowValuesToFlow);
  const last = flows[flows.length - 1];
  const next =
    rows.length > limit && last ? encodeCursor({ time: last.time, id: Number(last.id) }) : null;
  return { flows, next };
}

/** Version-table rows that overlap [from, to). */
export function queryWorkloadVersions(
  db: Database.Database,
  range: { from: number; to: number },
): VersionSighting[] {
  return db
    .prepare(
      `SELECT ${VERSION_COLUMNS} FROM workload_versions
       WHERE last_seen >= ? AND first_seen < ? ${VERSION_ORDER}`,
    )
    .all(range.from, range.to)
    .map((r) => rowToSighting(r as Record<string, unknown>));
}

/** `FlowStore.queryReplyBytes`: one pass over the window's allowed events, summed here. */
export function queryReplyBytes(db: Database.Database, q: ReplyBytesQuery): ReplyBytesRow[] {
  const ports = replyBytesPorts(q);
  if (ports.length === 0) return [];
  const sql = replyBytesSql(
    ports.length,
    () => '?',
    (c) => `total(${c})`,
  );
  return db.prepare(sql).all(q.from, q.to, q.protocol, ...ports) as ReplyBytesRow[];
}
