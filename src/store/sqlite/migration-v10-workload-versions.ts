/**
 * SQLite migration 10: the version table. When each version label of each workload was first
 * and last seen, kept by the batch writer as flows come in, so that detection can tell a
 * rollout from the labels without reading every raw event. Never edit once applied; add a new
 * migration instead.
 */
export const WORKLOAD_VERSION_MIGRATION_SQL = `
CREATE TABLE workload_versions (
  cluster TEXT NOT NULL,
  workload TEXT NOT NULL,
  version TEXT NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (cluster, workload, version)
) WITHOUT ROWID;
CREATE INDEX workload_versions_last_seen ON workload_versions (last_seen);
`;
