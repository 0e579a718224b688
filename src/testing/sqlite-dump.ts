/**
 * Every row the flow write path produces in a SQLite store, per table, in a stable order: two
 * stores that took the same input the same way must dump equal.
 */
import type Database from 'better-sqlite3';

export const FLOW_TABLES = [
  'flow_events',
  'rollup_keys',
  'rollup_1m',
  'rollup_1h',
  'rollup_1d',
  'workload_versions',
  'batches',
  'source_health',
] as const;

export function dumpFlowTables(db: Database.Database): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of FLOW_TABLES) {
    // Some tables have no rowid: rows are compared as a sorted list.
    out[t] = db
      .prepare(`SELECT * FROM ${t}`)
      .all()
      .map((r) => JSON.stringify(r))
      .sort()
      .map((j) => JSON.parse(j) as unknown);
  }
  return out;
}
