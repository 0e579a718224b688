/** SQLite migration 7: issued reports (hash, period, kind) for verification, and daily coverage samples. Never edit once applied; add a new migration instead. */
export const REPORT_MIGRATION_SQL = `
CREATE TABLE reports_issued (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  period TEXT NOT NULL,
  format TEXT NOT NULL,
  scope_cluster TEXT,
  scope_namespaces TEXT,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  issued_by TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  audit_seq INTEGER,
  file_name TEXT NOT NULL,
  document BLOB NOT NULL
);
CREATE INDEX reports_issued_sha256 ON reports_issued (sha256);
CREATE INDEX reports_issued_at ON reports_issued (issued_at);

CREATE TABLE coverage_samples (
  day INTEGER NOT NULL,
  cluster TEXT NOT NULL,
  namespace TEXT NOT NULL,
  workloads INTEGER NOT NULL,
  ingress_isolated INTEGER NOT NULL,
  egress_isolated INTEGER NOT NULL,
  taken_at INTEGER NOT NULL,
  PRIMARY KEY (day, cluster, namespace)
) WITHOUT ROWID;
`;
