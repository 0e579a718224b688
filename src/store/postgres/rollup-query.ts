/** Grouped sums and time series over the 1-minute and 1-hour rollup tiers. */
import type pg from 'pg';

import type {
  RollupKeyField,
  RollupQuery,
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
import { pgFilterWhere } from './filter-sql.js';

// Aliases are quoted: PostgreSQL folds unquoted names to lower case.
const alias = (f: string): string => `${COLUMN[f as RollupKeyField]} AS "${f}"`;

export async function pgQueryRollups(pool: pg.Pool, q: RollupQuery): Promise<RollupRow[]> {
  const { fields, limit } = rollupShape(q);
  const where = pgFilterWhere(q, 'rollup');
  // A bucket counts when it overlaps [from, to).
  if (q.from !== undefined) {
    where.clauses.push(`r.bucket > ${where.add(q.from - ROLLUP_BUCKET_MS[q.resolution])}`);
  }
  if (q.to !== undefined) where.clauses.push(`r.bucket < ${where.add(q.to)}`);
  const group = fields.length === 0 ? '' : `GROUP BY ${fields.map((f) => COLUMN[f]).join(', ')}`;
  const cols = [
    ...fields.map(alias),
    'sum(r.flows) AS "flows"',
    'sum(r.packets) AS "packets"',
    'sum(r.bytes) AS "bytes"',
    'min(r.first_seen) AS "firstSeen"',
    'max(r.last_seen) AS "lastSeen"',
  ];
  const sql = `SELECT ${cols.join(', ')}
    FROM ${TABLE[q.resolution]} r JOIN rollup_keys k ON k.id = r.key_id
    ${where.sql()} ${group}
    ORDER BY "flows" DESC NULLS LAST, "packets" DESC NULLS LAST, "bytes" DESC NULLS LAST
    LIMIT ${where.add(limit)}`;
  const res = await pool.query<RollupRow>(sql, where.params);
  // With no rows at all, an ungrouped aggregate still yields one row of NULLs: drop it.
  return res.rows.filter((r) => r.firstSeen !== null);
}

export async function pgQueryTimeSeries(
  pool: pg.Pool,
  q: TimeSeriesQuery,
): Promise<TimeSeriesResult> {
  const plan = planTimeSeries(q);
  const where = pgFilterWhere(q.filter ?? {}, 'rollup');
  where.clauses.push(`r.bucket >= ${where.add(plan.first)}`, `r.bucket < ${where.add(q.to)}`);
  const stepParam = where.add(q.stepMs);
  const step = `(r.bucket - (r.bucket % ${stepParam}::bigint))`;
  const sql = `SELECT ${[`${step} AS step`, ...plan.fields.map(alias), `sum(r.${q.metric}) AS v`].join(', ')}
    FROM ${TABLE[q.resolution]} r JOIN rollup_keys k ON k.id = r.key_id
    ${where.sql()} GROUP BY ${[step, ...plan.fields.map((f) => COLUMN[f])].join(', ')}`;
  const res = await pool.query<SeriesRow>(sql, where.params);
  return assembleSeries(q, plan, res.rows);
}
