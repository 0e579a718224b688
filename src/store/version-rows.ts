/**
 * The version table's rows (both backends select these columns by these names), checked on the
 * way out: the database may have been written by another build or edited by hand.
 */
import type { VersionSighting } from '../domain/detect/changes.js';

/** Columns and order, shared by the SQLite and PostgreSQL queries. */
export const VERSION_COLUMNS = 'cluster, workload, version, first_seen, last_seen';
export const VERSION_ORDER = 'ORDER BY cluster, workload, version';

export function rowToSighting(r: Record<string, unknown>): VersionSighting {
  const { cluster, workload, version, first_seen: first, last_seen: last } = r;
  if (
    typeof cluster !== 'string' ||
    typeof workload !== 'string' ||
    typeof version !== 'string' ||
    !Number.isSafeInteger(first) ||
    !Number.isSafeInteger(last)
  ) {
    throw new Error(`workload_versions: malformed row ${JSON.stringify(r).slice(0, 200)}`);
  }
  return { cluster, workload, version, firstSeen: first as number, lastSeen: last as number };
}
