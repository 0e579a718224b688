/** Grouped sums and time series over the 1-minute and 1-hour rollup tiers. */
import type Database from 'better-sqlite3';

import type {
  FlowFilter,
  RollupQuery,
  RollupResolution,
  RollupRow,
  TimeSeriesQuery,
  TimeSeriesResult,
} from '../flow-store.js';
import { ROLLUP_BUCKET_MS } from '../flow-store.js';
import {
  assembleSeries,
  planTimeSeries,
  ROLLUP_COLUMN as COLUMN,
  ROLLUP_TABLE as TABLE,
  rollupShape,
  type SeriesRow,
} from '../rollup-shape.js';
import { filterWhere, type SqlWhere, whereSql } from './filter-sql.js';

export { MAX_ROLLUP_ROWS } from '../rollup-shape.js';

/** A bucket counts when it overlaps [from, to). */
function timeWhere(where: SqlWhere, res: RollupResolution, filter: FlowFilter): void {
  if (filter.from !== undefined) {
    where.clauses.push('r.bucket > ?');
    where.params.push(filter.from - ROLLUP_BUCKET_MS[res]);
  }
  if (filter.to !== undefined) {
    where.clauses.push('r.bucket < ?');
    where.params.push(filter.to);
  }
}

export function queryRollups(db: Database.Database, q: RollupQuery): RollupRow[] {
  const { fields, limit } = rollupShape(q);
  const where = filterWhere(q, 'rollup');
  timeWhere(where, q.resolution, q);
  const keys = fields.map((f) => `${COLUMN[f]} AS ${f}`);
  const group = fields.length === 0 ? '' : `GROUP BY ${fields.map((f) => COLUMN[f]).join(', ')}`;
  const sql = `SELECT ${[...keys, 'sum(r.flows) AS flows', 'sum(r.packets) AS packets', 'sum(r.bytes) AS bytes', 'min(r.first_seen) AS firstSeen', 'max(r.last_seen) AS lastSeen'].join(', ')}
    FROM ${TABLE[q.resolution]} r JOIN rollup_keys k ON k.id = r.key_id
    ${whereSql(where)} ${group}
    ORDER BY flows DESC NULLS LAST, packets DESC NULLS LAST, bytes DESC NULLS LAST LIMIT ?`;
  const rows = db.prepare(sql).all(...where.params, limit) as RollupRow[];
  // With no rows at all, an ungrouped aggregate still yields one row of NULLs: drop it.
  return rows.filter((r) => r.firstSeen !== null);
}

export function queryTimeSeries(db: Database.Database, q: TimeSeriesQuery): TimeSeriesResult {
  const plan = planTimeSeries(q);
  const { first, fields } = plan;
  const where = filterWhere(q.filter ?? {}, 'rollup');
  where.clauses.push('r.bucket >= ?', 'r.bucket < ?');
  where.params.push(first, q.to);
  const cols = fields.map((f) => `${COLUMN[f]} AS ${f}`);
  const step = `(r.bucket - (r.bucket % ${q.stepMs}))`;
  const sql = `SELECT ${[`${step} AS step`, ...cols, `sum(r.${q.metric}) AS v`].join(', ')}
    FROM ${TABLE[q.resolution]} r JOIN rollup_keys k ON k.id = r.key_id
    ${whereSql(where)} GROUP BY ${[step, ...fields.map((f) => COLUMN[f])].join(', ')}`;
  const rows = db.prepare(sql).all(...where.params) as SeriesRow[];
  return assembleSeries(q, plan, rows);
}
