/** SQLite migration 8: the journal of NetworkPolicy and namespace changes from the live watch. Never edit once applied; add a new migration instead. */
export const POLICY_CHANGE_MIGRATION_SQL = `
CREATE TABLE policy_changes (
  id TEXT PRIMARY KEY,
  time INTEGER NOT NULL,
  cluster TEXT NOT NULL,
  kind TEXT NOT NULL,
  type TEXT NOT NULL,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  resource_version TEXT,
  seen_by TEXT NOT NULL,
  summary TEXT NOT NULL,
  diff TEXT NOT NULL,
  after TEXT
);
CREATE INDEX policy_changes_time ON policy_changes (time);
CREATE INDEX policy_changes_object ON policy_changes (cluster, kind, namespace, name, time);
`;
