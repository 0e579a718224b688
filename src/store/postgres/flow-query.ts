/** Raw-event queries: newest first, keyset pagination over (time, id). */
import type pg from 'pg';

import { decodeCursor, encodeCursor } from '../cursor.js';
import type { FlowFilter, FlowPage } from '../flow-store.js';
import { InvalidQueryError } from '../flow-store.js';
import { RAW_READ_COLUMNS, rowToFlow } from '../raw-row.js';
import { pgFilterWhere } from './filter-sql.js';

export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 10_000;

const SELECT = RAW_READ_COLUMNS.map((c) => `"${c}"`).join(', ');

/** The page query: exported so tests can check its plan. Fetches one row more than `limit`. */
export function flowsQuery(
  filter: FlowFilter,
  page: { limit?: number; cursor?: string | null } = {},
): { text: string; values: unknown[]; limit: number } {
  const limit = page.limit ?? DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
  }
  const where = pgFilterWhere(filter, 'raw');
  if (filter.from !== undefined) where.clauses.push(`time >= ${where.add(filter.from)}`);
  if (filter.to !== undefined) where.clauses.push(`time < ${where.add(filter.to)}`);
  if (page.cursor) {
    const pos = decodeCursor(page.cursor);
    // A row comparison: PostgreSQL walks the (…, time, id) indexes from the cursor on.
    where.clauses.push(`(time, id) < (${where.add(pos.time)}, ${where.add(pos.id)})`);
  }
  // One row more than asked tells whether a next page exists without a second query.
  const text = `SELECT ${SELECT} FROM flow_events ${where.sql()} ORDER BY time DESC, id DESC LIMIT ${where.add(limit + 1)}`;
  return { text, values: where.params, limit };
}

export async function pgQueryFlows(
  pool: pg.Pool,
  filter: FlowFilter,
  page: { limit?: number; cursor?: string | null } = {},
): Promise<FlowPage> {
  const q = flowsQuery(filter, page);
  const res = await pool.query(q.text, q.values);
  const flows = res.rows.slice(0, q.limit).map(rowToFlow);
  const last = flows[flows.length - 1];
  const next =
    res.rows.length > q.limit && last
      ? encodeCursor({ time: last.time, id: Number(last.id) })
      : null;
  return { flows, next };
}
