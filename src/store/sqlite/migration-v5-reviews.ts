/** SQLite migration 5: reviews, review items, expiring suppressions. Never edit once applied; add a new migration instead. */
export const REVIEW_MIGRATION_SQL = `
CREATE TABLE reviews (
  id TEXT PRIMARY KEY,
  cluster TEXT NOT NULL,
  scope_key TEXT NOT NULL,
  scope TEXT,
  status TEXT NOT NULL,
  period_start INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  started_by TEXT NOT NULL,
  signed_off_at INTEGER,
  signed_off_by TEXT,
  note TEXT,
  items_left TEXT NOT NULL DEFAULT '[]',
  snapshot TEXT
);
CREATE INDEX reviews_cluster ON reviews (cluster, scope_key, status, signed_off_at);
CREATE INDEX reviews_signed_off ON reviews (signed_off_at);
-- One open review per cluster and scope: two reviewers starting at once share it.
CREATE UNIQUE INDEX reviews_one_open ON reviews (cluster, scope_key) WHERE status = 'open';

CREATE TABLE review_items (
  review_id TEXT NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  kind TEXT NOT NULL,
  item TEXT NOT NULL,
  disposition TEXT,
  reason TEXT,
  actor TEXT,
  at INTEGER,
  incident_id TEXT,
  suppression_id TEXT,
  covered_by TEXT,
  PRIMARY KEY (review_id, key)
) WITHOUT ROWID;

CREATE TABLE suppressions (
  id TEXT PRIMARY KEY,
  cluster TEXT NOT NULL,
  finding_type TEXT,
  key TEXT,
  namespace TEXT,
  workload TEXT,
  reason TEXT NOT NULL,
  owner TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER,
  revoked_by TEXT,
  review_id TEXT,
  item_key TEXT
);
CREATE INDEX suppressions_cluster ON suppressions (cluster, expires_at);
`;
