/** Grouped sums and time series over the 1-minute and 1-hour rollup tiers. */
import type Database from 'better-sqlite3';

import { bucketStart } from '../../domain/time.js';
import type {
  FlowFilter,
  RollupKeyField,
  RollupQuery,
  RollupResolution,
  RollupRow,
  TimeSeries,
  TimeSeriesQuery,
  TimeSeriesResult,
} from '../flow-store.js';
import { InvalidQueryError, ROLLUP_BUCKET_MS, ROLLUP_KEY_FIELDS } from '../flow-store.js';
import { filterWhere, type SqlWhere, whereSql } from './filter-sql.js';

const COLUMN: Record<RollupKeyField, string> = {
  bucket: 'r.bucket',
  cluster: 'k.cluster',
  srcNamespace: 'k.src_ns',
  srcWorkload: 'k.src_wl',
  srcKind: 'k.src_kind',
  dstNamespace: 'k.dst_ns',
  dstWorkload: 'k.dst_wl',
  dstKind: 'k.dst_kind',
  protocol: 'k.protocol',
  port: 'k.port',
  direction: 'k.direction',
  verdict: 'k.verdict',
  reason: 'k.reason',
  policy: 'k.policy',
  source: 'k.source',
};

const TABLE: Record<RollupResolution, string> = { '1m': 'rollup_1m', '1h': 'rollup_1h' };
export const MAX_ROLLUP_ROWS = 100_000;
const MAX_STEPS = 10_000;

function checkFields(fields: readonly string[]): RollupKeyField[] {
  for (const f of fields) {
    if (!(ROLLUP_KEY_FIELDS as readonly string[]).includes(f)) {
      throw new InvalidQueryError(`cannot group by ${JSON.stringify(f)}`);
    }
  }
  return [...new Set(fields)] as RollupKeyField[];
}

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
  if (!(q.resolution in TABLE)) throw new InvalidQueryError('resolution must be 1m or 1h');
  const fields = checkFields(q.groupBy ?? ROLLUP_KEY_FIELDS);
  const limit = q.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ROLLUP_ROWS) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_ROLLUP_ROWS}`);
  }
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

interface SeriesRow {
  step: number;
  v: number | null;
  [field: string]: unknown;
}

export function queryTimeSeries(db: Database.Database, q: TimeSeriesQuery): TimeSeriesResult {
  if (!(q.resolution in TABLE)) throw new InvalidQueryError('resolution must be 1m or 1h');
  const size = ROLLUP_BUCKET_MS[q.resolution];
  if (!Number.isInteger(q.stepMs) || q.stepMs <= 0 || q.stepMs % size !== 0) {
    throw new InvalidQueryError(
      `stepMs must be a positive multiple of ${size} for ${q.resolution}`,
    );
  }
  if (!['flows', 'packets', 'bytes'].includes(q.metric)) {
    throw new InvalidQueryError('metric must be flows, packets or bytes');
  }
  const first = bucketStart(q.from, q.stepMs);
  const steps: number[] = [];
  for (let t = first; t < q.to; t += q.stepMs) {
    if (steps.length >= MAX_STEPS) throw new InvalidQueryError(`more than ${MAX_STEPS} steps`);
    steps.push(t);
  }
  const fields = checkFields(q.groupBy).filter((f) => f !== 'bucket');
  const where = filterWhere(q.filter ?? {}, 'rollup');
  where.clauses.push('r.bucket >= ?', 'r.bucket < ?');
  where.params.push(first, q.to);
  const cols = fields.map((f) => `${COLUMN[f]} AS ${f}`);
  const step = `(r.bucket - (r.bucket % ${q.stepMs}))`;
  const sql = `SELECT ${[`${step} AS step`, ...cols, `sum(r.${q.metric}) AS v`].join(', ')}
    FROM ${TABLE[q.resolution]} r JOIN rollup_keys k ON k.id = r.key_id
    ${whereSql(where)} GROUP BY ${[step, ...fields.map((f) => COLUMN[f])].join(', ')}`;
  const rows = db.prepare(sql).all(...where.params) as SeriesRow[];
  const byGroup = new Map<string, TimeSeries>();
  for (const row of rows) {
    const group: TimeSeries['group'] = {};
    for (const f of fields) group[f] = row[f] as string | number | null;
    const id = JSON.stringify(fields.map((f) => row[f]));
    let s = byGroup.get(id);
    if (!s) byGroup.set(id, (s = { group, values: steps.map(() => 0), total: null }));
    const i = (row.step - first) / q.stepMs;
    s.values[i] = row.v;
    if (row.v !== null) s.total = (s.total ?? 0) + row.v;
  }
  const limit = q.limit ?? 20;
  const series = [...byGroup.values()]
    .sort((a, b) => (b.total ?? -1) - (a.total ?? -1))
    .slice(0, limit);
  return { metric: q.metric, stepMs: q.stepMs, steps, series };
}
