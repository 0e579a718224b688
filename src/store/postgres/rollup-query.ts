/**
 * Grouped sums and time series over the 1-minute and 1-hour rollup tiers.
 *
 * As in the SQLite store, both queries aggregate the rollup rows by their integer `key_id`
 * first and group the few resulting rows by the requested key fields afterwards.
 */
import type pg from 'pg';

import { type DailySplit, dailySplit, ROLLUP_ROW_COLUMNS } from '../daily-window.js';
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
  type DbRollupRow,
  finishRollupRows,
  planTimeSeries,
  ROLLUP_COLUMN as COLUMN,
  ROLLUP_SUMS_SQL as SUMS,
  ROLLUP_TABLE as TABLE,
  rollupShape,
  type SeriesRow,
  seriesSourcesQuery,
  seriesUnit,
  sourcesOf,
} from '../rollup-shape.js';
import { pgFilterWhere, type PgWhere } from './filter-sql.js';

// Aliases are quoted: PostgreSQL folds unquoted names to lower case.
const alias = (f: string): string => `${COLUMN[f as RollupKeyField]} AS "${f}"`;

/** Conditions on rollup rows: the key filter as a subquery on `rollup_keys`, then `time`. */
function rowClauses(keys: PgWhere, time: (w: PgWhere) => string[]): string {
  const clauses =
    keys.clauses.length > 0 ? [`r.key_id IN (SELECT k.id FROM rollup_keys k ${keys.sql()})`] : [];
  clauses.push(...time(keys));
  return clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`;
}

/**
 * The hourly tier over a window as a FROM source named `r`: its whole summed days from
 * `rollup_1d` (those before the mark `rollup_1d_through`), the rest from `rollup_1h`.
 */
function dailySource(w: PgWhere, split: DailySplit, to: number): string {
  const cols = ROLLUP_ROW_COLUMNS;
  const d0 = `${w.add(split.d0)}::bigint`;
  // LEAST ignores NULL: a missing mark must count as "nothing summed", not as no limit.
  const d1 = `LEAST(${w.add(split.d1)}::bigint,
    coalesce((SELECT value::bigint FROM store_meta WHERE name = 'rollup_1d_through'), 0))`;
  return `(SELECT ${cols} FROM rollup_1h WHERE bucket >= ${w.add(split.firstHour)}::bigint AND bucket < ${d0}
    UNION ALL SELECT ${cols} FROM rollup_1d WHERE bucket >= ${d0} AND bucket < ${d1}
    UNION ALL SELECT ${cols} FROM rollup_1h WHERE bucket >= GREATEST(${d0}, ${d1})
      AND bucket < ${w.add(to)}::bigint) r`;
}

export async function pgQueryRollups(pool: pg.Pool, q: RollupQuery): Promise<RollupRow[]> {
  const { fields, limit, stepSql } = rollupShape(q);
  const where = pgFilterWhere(q, 'rollup');
  const byBucket = fields.includes('bucket');
  // Long hourly windows read their whole summed days from the daily tier (not when grouping by
  // hour). The mark of summed days is read by the same statement.
  const daily =
    q.resolution === '1h' && !byBucket && q.from !== undefined && q.to !== undefined
      ? dailySplit(q.from, q.to, Number.POSITIVE_INFINITY, q.binStepMs)
      : null;
  // A bucket counts when it overlaps [from, to).
  const rowWhere = rowClauses(where, (w) =>
    daily
      ? []
      : [
          ...(q.from !== undefined
            ? [`r.bucket > ${w.add(q.from - ROLLUP_BUCKET_MS[q.resolution])}`]
            : []),
          ...(q.to !== undefined ? [`r.bucket < ${w.add(q.to)}`] : []),
        ],
  );
  const source = daily ? dailySource(where, daily, q.to as number) : `${TABLE[q.resolution]} r`;
  const rows = `FROM ${source} ${rowWhere}`;
  // As in the SQLite store: per key first; under binStepMs per key and step, then per key with
  // its steps as JSON cells.
  const inner =
    stepSql === null
      ? `SELECT r.key_id, ${byBucket ? 'r.bucket AS bucket,' : ''} ${SUMS} ${rows}
    GROUP BY r.key_id${byBucket ? ', r.bucket' : ''}`
      : `SELECT s.key_id, sum(s.flows) AS flows, sum(s.packets) AS packets, sum(s.bytes) AS bytes,
      min(s.fs) AS fs, max(s.ls) AS ls,
      string_agg(json_build_array(s.step, s.flows, s.packets, s.bytes)::text, ',') AS bins
    FROM (SELECT r.key_id, ${stepSql} AS step, ${SUMS} ${rows} GROUP BY r.key_id, step) s
    GROUP BY s.key_id`;
  const col = (f: RollupKeyField): string => (f === 'bucket' ? 'a.bucket' : COLUMN[f]);
  const group = fields.length === 0 ? '' : `GROUP BY ${fields.map(col).join(', ')}`;
  const cols = [
    ...fields.map((f) => `${col(f)} AS "${f}"`),
    'sum(a.flows) AS "flows"',
    'sum(a.packets) AS "packets"',
    'sum(a.bytes) AS "bytes"',
    'min(a.fs) AS "firstSeen"',
    'max(a.ls) AS "lastSeen"',
    ...(stepSql === null ? [] : [`'[' || string_agg(a.bins, ',') || ']' AS "bins"`]),
  ];
  const sql = `SELECT ${cols.join(', ')}
    FROM (${inner}) a JOIN rollup_keys k ON k.id = a.key_id
    ${group}
    ORDER BY "flows" DESC NULLS LAST, "packets" DESC NULLS LAST, "bytes" DESC NULLS LAST
    LIMIT ${where.add(limit)}`;
  const res = await pool.query<DbRollupRow>(sql, where.params);
  return finishRollupRows(res.rows, stepSql !== null);
}

export async function pgQueryTimeSeries(
  pool: pg.Pool,
  q: TimeSeriesQuery,
): Promise<TimeSeriesResult> {
  const plan = planTimeSeries(q);
  // The sources first, then the series in one counter (as the SQLite store does).
  const sources = sourcesOf(await pgQueryRollups(pool, seriesSourcesQuery(q, plan)));
  const metric = seriesUnit(q, sources);
  const where = pgFilterWhere(q.filter ?? {}, 'rollup');
  const rowWhere = rowClauses(where, (w) => [
    `r.bucket >= ${w.add(plan.first)}`,
    `r.bucket < ${w.add(q.to)}`,
  ]);
  const oneBucket = q.stepMs === ROLLUP_BUCKET_MS[q.resolution];
  // Every parameter must appear in the statement: the step only when it is used.
  const step = oneBucket ? 'r.bucket' : `(r.bucket - (r.bucket % ${where.add(q.stepMs)}::bigint))`;
  // A step of one bucket: (bucket, key_id) is already unique, pre-grouping would only sort.
  const inner = oneBucket
    ? `SELECT r.key_id, r.bucket AS step, r.${metric} AS v FROM ${TABLE[q.resolution]} r ${rowWhere}`
    : `SELECT r.key_id, ${step} AS step, sum(r.${metric}) AS v
    FROM ${TABLE[q.resolution]} r ${rowWhere} GROUP BY r.key_id, ${step}`;
  const sql = `SELECT ${['a.step AS step', ...plan.fields.map(alias), 'sum(a.v) AS v'].join(', ')}
    FROM (${inner}) a JOIN rollup_keys k ON k.id = a.key_id
    GROUP BY ${['a.step', ...plan.fields.map((f) => COLUMN[f])].join(', ')}`;
  const res = await pool.query<SeriesRow>(sql, where.params);
  return assembleSeries(q, plan, res.rows, metric, sources);
}
