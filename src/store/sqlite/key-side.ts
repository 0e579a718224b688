/**
 * Denied keys have negative ids (ADR 0009). The rollup tiers are keyed `(bucket, key_id)`, so
 * within each bucket a tier's denied rows lie together before its other rows, and a read of
 * denied traffic seeks into each bucket of its window and reads only them, instead of reading
 * every row of the window and testing its key. Denied traffic is the small part of a
 * cluster's traffic that the denied pages, the overview and detection read most.
 *
 * The writer gives a new denied key the id below the smallest, any other key the id above the
 * largest (`KEY_ID_SQL`); migration 11 turned the ids of existing denied keys negative.
 */
import type { FlowFilter } from '../flow-store.js';
import type { SqlWhere } from './filter-sql.js';

/** Which keys a filter's verdicts can match: denied ones only, never denied ones, or any. */
export type KeySide = 'denied' | 'other' | 'any';

export function keySideOf(verdict: FlowFilter['verdict']): KeySide {
  if (verdict === undefined || verdict.length === 0) return 'any';
  if (verdict.every((v) => v === 'denied')) return 'denied';
  return verdict.includes('denied') ? 'any' : 'other';
}

/**
 * The id a new key gets, by its verdict (the one parameter). Each branch is a lone min() or
 * max(), which SQLite answers from one end of the primary key.
 */
export const KEY_ID_SQL = `CASE WHEN ? = 'denied'
  THEN (SELECT min(0, coalesce(min(id), 0)) - 1 FROM rollup_keys)
  ELSE (SELECT max(0, coalesce(max(id), 0)) + 1 FROM rollup_keys) END`;

/** Up to this many buckets are listed as parameters; more come from a recursive CTE. */
const LISTED_BUCKETS = 64;

/** Beyond this many buckets a denied read scans its range instead of seeking each bucket. */
const MAX_SEEK_BUCKETS = 100_000;

/**
 * Conditions for the rows of a tier with `size`-wide buckets that start in [lo, hi) (either
 * bound may be open), for the keys of `side`; `col` prefixes the column names ('r.' or '').
 * A bounded denied read lists the window's buckets (as parameters, or a recursive CTE when
 * there are many), so SQLite seeks `(bucket = ? AND key_id < 0)` in each.
 */
export function tierRange(
  col: string,
  size: number,
  lo: number | undefined,
  hi: number | undefined,
  side: KeySide,
): SqlWhere {
  if (side === 'denied' && lo !== undefined && hi !== undefined) {
    const first = Math.ceil(lo / size) * size;
    if (first >= hi) return { clauses: ['0'], params: [] };
    const n = Math.ceil((hi - first) / size);
    if (n <= LISTED_BUCKETS) {
      const list = Array.from({ length: n }, (_, i) => first + i * size);
      return {
        clauses: [`${col}bucket IN (${list.map(() => '?').join(', ')})`, `${col}key_id < 0`],
        params: list,
      };
    }
    if (n <= MAX_SEEK_BUCKETS) {
      // `size` is a tier's bucket width (an integer constant), so inlining it is safe.
      return {
        clauses: [
          `${col}bucket IN (WITH RECURSIVE grid(b) AS (SELECT ? UNION ALL
            SELECT b + ${size} FROM grid WHERE b + ${size} < ?) SELECT b FROM grid)`,
          `${col}key_id < 0`,
        ],
        params: [first, hi],
      };
    }
  }
  const where: SqlWhere = { clauses: [], params: [] };
  if (lo !== undefined) {
    where.clauses.push(`${col}bucket >= ?`);
    where.params.push(lo);
  }
  if (hi !== undefined) {
    where.clauses.push(`${col}bucket < ?`);
    where.params.push(hi);
  }
  if (side !== 'any') where.clauses.push(`${col}key_id ${side === 'denied' ? '<' : '>'} 0`);
  return where;
}
