/**
 * Grouped sums and time series over the 1-minute and 1-hour rollup tiers.
 *
 * Both queries aggregate in two steps: first the rollup rows by their integer `key_id` (and
 * bucket or step), which SQLite groups cheaply, then the few resulting rows joined to their keys
 * and grouped by the requested key fields. Grouping every row of a long window by a dozen text
 * columns directly was the dominant cost of the dashboard's 24 h–30 d views.
 */
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
import { dailyThrough, hourlySource } from './daily-tier.js';
import { filterWhere, type SqlWhere, whereSql } from './filter-sql.js';
import { keySideOf, tierRange } from './key-side.js';

export { MAX_ROLLUP_ROWS } from '../rollup-shape.js';

/**
 * Rollup rows of the window whose key passes the filter. The key filter becomes a subquery on
 * `rollup_keys` (a few thousand rows) so the scan of the rollup tier only tests an integer.
 */
function rowWhere(
  filter: Omit<FlowFilter, 'from' | 'to'>,
  time: { clauses: string[]; params: unknown[] },
): SqlWhere {
  // A denied-only read is narrowed by the sign of key_id (see timeWhere); the key subquery
  // would only repeat it.
  const denied = keySideOf(filter.verdict) === 'denied';
  const keys = filterWhere(denied ? { ...filter, verdict: undefined } : filter, 'rollup');
  const where: SqlWhere = { clauses: [...time.clauses], params: [...time.params] };
  if (keys.clauses.length > 0) {
    // `+` keeps the key list a test on each row: SQLite would otherwise seek every bucket for
    // every listed key, slower than reading the bucket's (denied) range. NOT INDEXED: the
    // list is read once, and SQLite would otherwise build an automatic index on the keys
    // table for it each time (a 1-hour chart side's read: 4.2 against 3.4 ms, medians of 300).
    where.clauses.push(
      `+r.key_id IN (SELECT k.id FROM rollup_keys k NOT INDEXED ${whereSql(keys)})`,
    );
    where.params.push(...keys.params);
  }
  return where;
}

/** A bucket counts when it overlaps [from, to); only keys of the filter's verdict side. */
function timeWhere(res: RollupResolution, filter: FlowFilter): SqlWhere {
  const size = ROLLUP_BUCKET_MS[res];
  // Buckets that start after from - size overlap [from, …).
  const lo = filter.from === undefined ? undefined : Math.floor(filter.from / size) * size;
  return tierRange('r.', size, lo, filter.to, keySideOf(filter.verdict));
}

/** Above this many steps a binned read groups its window in one pass. */
const MAX_STEP_PARTS = 100;
/** Below this many buckets a step, one pass is faster (measured: 1 and 3 buckets a step). */
const MIN_STEP_BUCKETS = 4;

/**
 * A binned read of one tier as one grouped read per step (UNION ALL), or null when the window
 * is open, or its steps are few buckets wide or too many. Sorting each step's rows by key is
 * cheaper than sorting the whole window's by key and step: a week's denied table in 7-hour
 * steps took 80 against 90 ms (medians of 21). With steps of 1 or 3 buckets it was 7–10 %
 * slower, so those stay one pass.
 */
function stepParts(q: RollupQuery): (SqlWhere & { sql: string }) | null {
  const step = q.binStepMs;
  if (step === undefined || q.from === undefined || q.to === undefined) return null;
  const size = ROLLUP_BUCKET_MS[q.resolution];
  // Buckets that overlap [from, to) start in [lo, to).
  const lo = Math.floor(q.from / size) * size;
  const first = lo - (lo % step);
  if (step / size < MIN_STEP_BUCKETS || (q.to - first) / step > MAX_STEP_PARTS) return null;
  const parts: string[] = [];
  const params: unknown[] = [];
  for (let s = first; s < q.to; s += step) {
    const time = tierRange(
      'r.',
      size,
      Math.max(lo, s),
      Math.min(q.to, s + step),
      keySideOf(q.verdict),
    );
    const where = rowWhere(q, time);
    // `s` is a multiple of an integer step checked by rollupShape: safe to inline.
    parts.push(`SELECT r.key_id, ${s} AS step, ${SUMS} FROM ${TABLE[q.resolution]} r
      ${whereSql(where)} GROUP BY r.key_id`);
    params.push(...where.params);
  }
  return { sql: parts.join('\n    UNION ALL '), clauses: [], params };
}

export function queryRollups(db: Database.Database, q: RollupQuery): RollupRow[] {
  const { fields, limit, stepSql } = rollupShape(q);
  const byBucket = fields.includes('bucket');
  // Long hourly windows read their whole days from the daily tier (not when grouping by hour).
  const daily =
    q.resolution === '1h' && !byBucket && q.from !== undefined && q.to !== undefined
      ? hourlySource(q.from, q.to, dailyThrough(db), q.binStepMs, keySideOf(q.verdict))
      : null;
  const where = rowWhere(q, daily ? { clauses: [], params: [] } : timeWhere(q.resolution, q));
  const rows = `FROM ${daily ? daily.sql : `${TABLE[q.resolution]} r`} ${whereSql(where)}`;
  const params = [...(daily?.params ?? []), ...where.params];

  // Per key (and bucket) first. Under binStepMs per key and step, then per key with its steps
  // as JSON cells, so one row per group leaves the database however many steps it has.
  const perStep = daily || stepSql === null ? null : stepParts(q);
  if (perStep) params.splice(0, params.length, ...perStep.params);
  const inner =
    stepSql === null
      ? `SELECT r.key_id, ${byBucket ? 'r.bucket AS bucket,' : ''} ${SUMS} ${rows}
    GROUP BY r.key_id${byBucket ? ', r.bucket' : ''}`
      : `SELECT s.key_id, sum(s.flows) AS flows, sum(s.packets) AS packets, sum(s.bytes) AS bytes,
      min(s.fs) AS fs, max(s.ls) AS ls,
      group_concat(json_array(s.step, s.flows, s.packets, s.bytes)) AS bins
    FROM (${perStep?.sql ?? `SELECT r.key_id, ${stepSql} AS step, ${SUMS} ${rows} GROUP BY r.key_id, step`}) s
    GROUP BY s.key_id`;
  const col = (f: (typeof fields)[number]): string => (f === 'bucket' ? 'a.bucket' : COLUMN[f]);
  const keys = fields.map((f) => `${col(f)} AS ${f}`);
  const group = fields.length === 0 ? '' : `GROUP BY ${fields.map(col).join(', ')}`;
  const sql = `SELECT ${[...keys, 'sum(a.flows) AS flows', 'sum(a.packets) AS packets', 'sum(a.bytes) AS bytes', 'min(a.fs) AS firstSeen', 'max(a.ls) AS lastSeen', ...(stepSql === null ? [] : ["'[' || group_concat(a.bins) || ']' AS bins"])].join(', ')}
    FROM (${inner}) a JOIN rollup_keys k ON k.id = a.key_id
    ${group}
    ORDER BY flows DESC NULLS LAST, packets DESC NULLS LAST, bytes DESC NULLS LAST LIMIT ?`;
  const out = db.prepare(sql).all(...params, limit) as DbRollupRow[];
  return finishRollupRows(out, stepSql !== null);
}

export function queryTimeSeries(db: Database.Database, q: TimeSeriesQuery): TimeSeriesResult {
  const plan = planTimeSeries(q);
  const { first, fields } = plan;
  // The sources first (a grouped read: long windows read whole days from the daily tier),
  // then the series in one counter. Reading both counters and grouping by source in the
  // series read itself made a week's chart about 60 % slower.
  const sources = sourcesOf(queryRollups(db, seriesSourcesQuery(q, plan)));
  const metric = seriesUnit(q, sources);
  const size = ROLLUP_BUCKET_MS[q.resolution];
  const where = rowWhere(
    q.filter ?? {},
    tierRange('r.', size, first, q.to, keySideOf(q.filter?.verdict)),
  );
  // planTimeSeries checked stepMs is a positive integer; inlined so the modulo stays integral
  // (better-sqlite3 binds numbers as REAL).
  const step = `(r.bucket - (r.bucket % ${q.stepMs}))`;
  // A step of one bucket: (bucket, key_id) is already unique, pre-grouping would only sort.
  const inner =
    q.stepMs === ROLLUP_BUCKET_MS[q.resolution]
      ? `SELECT r.key_id, r.bucket AS step, r.${metric} AS v
    FROM ${TABLE[q.resolution]} r ${whereSql(where)}`
      : `SELECT r.key_id, ${step} AS step, sum(r.${metric}) AS v
    FROM ${TABLE[q.resolution]} r ${whereSql(where)} GROUP BY r.key_id, step`;
  const cols = fields.map((f) => `${COLUMN[f]} AS ${f}`);
  const sql = `SELECT ${['a.step AS step', ...cols, 'sum(a.v) AS v'].join(', ')}
    FROM (${inner}) a JOIN rollup_keys k ON k.id = a.key_id
    GROUP BY ${['a.step', ...fields.map((f) => COLUMN[f])].join(', ')}`;
  const rows = db.prepare(sql).all(...where.params) as SeriesRow[];
  return assembleSeries(q, plan, rows, metric, sources);
}
