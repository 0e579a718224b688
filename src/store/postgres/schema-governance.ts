/**
 * PostgreSQL migrations 5–8: reviews, incidents, issued reports and the policy-change journal.
 * Same tables and columns as SQLite's migrations 5–8 (src/store/sqlite/migration-v*.ts), with
 * bigint times and bytea documents. Text that the stores sort by is `COLLATE "C"` (byte order,
 * as SQLite sorts, whatever the database's locale). Where SQLite breaks ties by rowid, a `seq`
 * identity column keeps insertion order. Never edit once applied.
 */

export const PG_REVIEWS_SQL = `
CREATE TABLE reviews (
  id text COLLATE "C" PRIMARY KEY,
  cluster text NOT NULL,
  scope_key text NOT NULL,
  scope text,
  status text NOT NULL,
  period_start bigint NOT NULL,
  started_at bigint NOT NULL,
  started_by text NOT NULL,
  signed_off_at bigint,
  signed_off_by text,
  note text,
  items_left text NOT NULL DEFAULT '[]',
  snapshot text
);
CREATE INDEX reviews_cluster ON reviews (cluster, scope_key, status, signed_off_at);
CREATE INDEX reviews_signed_off ON reviews (signed_off_at);
-- One open review per cluster and scope: two reviewers (on any replica) starting at once share it.
CREATE UNIQUE INDEX reviews_one_open ON reviews (cluster, scope_key) WHERE status = 'open';

CREATE TABLE review_items (
  review_id text NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
  key text COLLATE "C" NOT NULL,
  kind text NOT NULL,
  item text NOT NULL,
  disposition text,
  reason text,
  actor text,
  at bigint,
  incident_id text,
  suppression_id text,
  covered_by text,
  PRIMARY KEY (review_id, key)
);
CREATE INDEX review_items_key ON review_items (key);

CREATE TABLE suppressions (
  id text COLLATE "C" PRIMARY KEY,
  cluster text NOT NULL,
  finding_type text,
  key text,
  namespace text,
  workload text,
  reason text NOT NULL,
  owner text NOT NULL,
  created_by text NOT NULL,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  revoked_at bigint,
  revoked_by text,
  review_id text,
  item_key text
);
CREATE INDEX suppressions_cluster ON suppressions (cluster, expires_at);
`;

export const PG_INCIDENTS_SQL = `
CREATE TABLE incidents (
  id text COLLATE "C" PRIMARY KEY,
  cluster text NOT NULL,
  title text NOT NULL,
  severity text NOT NULL,
  kind text NOT NULL,
  status text NOT NULL,
  assignee text,
  created_at bigint NOT NULL,
  created_by text NOT NULL,
  detected_at bigint NOT NULL,
  contained_at bigint,
  resolved_at bigint,
  closed_at bigint,
  outcome text,
  resolution text,
  namespaces text NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX incidents_created ON incidents (created_at);
CREATE INDEX incidents_status ON incidents (status, created_at);
CREATE INDEX incidents_closed ON incidents (closed_at);

CREATE TABLE incident_namespaces (
  incident_id text NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  namespace text NOT NULL,
  PRIMARY KEY (incident_id, namespace)
);
CREATE INDEX incident_namespaces_ns ON incident_namespaces (namespace);

CREATE TABLE incident_timeline (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id text NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  time bigint NOT NULL,
  actor text NOT NULL,
  kind text NOT NULL,
  text text NOT NULL,
  details text NOT NULL
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, id);

CREATE TABLE incident_links (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  incident_id text NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  link_key text NOT NULL,
  kind text NOT NULL,
  finding_id text,
  link text NOT NULL,
  added_at bigint NOT NULL,
  added_by text NOT NULL,
  PRIMARY KEY (incident_id, link_key)
);
CREATE INDEX incident_links_finding ON incident_links (finding_id);
`;

export const PG_REPORTS_SQL = `
CREATE TABLE reports_issued (
  id text COLLATE "C" PRIMARY KEY,
  kind text NOT NULL,
  period text NOT NULL,
  format text NOT NULL,
  scope_cluster text,
  scope_namespaces text,
  sha256 text NOT NULL,
  size_bytes bigint NOT NULL,
  issued_by text NOT NULL,
  issued_at bigint NOT NULL,
  audit_seq bigint,
  file_name text NOT NULL,
  document bytea NOT NULL
);
CREATE INDEX reports_issued_sha256 ON reports_issued (sha256);
CREATE INDEX reports_issued_at ON reports_issued (issued_at);

CREATE TABLE coverage_samples (
  day bigint NOT NULL,
  cluster text COLLATE "C" NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  workloads integer NOT NULL,
  ingress_isolated integer NOT NULL,
  egress_isolated integer NOT NULL,
  taken_at bigint NOT NULL,
  PRIMARY KEY (day, cluster, namespace)
);
`;

export const PG_POLICY_CHANGES_SQL = `
CREATE TABLE policy_changes (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  id text COLLATE "C" PRIMARY KEY,
  time bigint NOT NULL,
  cluster text NOT NULL,
  kind text COLLATE "C" NOT NULL,
  type text NOT NULL,
  namespace text COLLATE "C" NOT NULL,
  name text COLLATE "C" NOT NULL,
  resource_version text,
  seen_by text NOT NULL,
  summary text NOT NULL,
  diff text NOT NULL,
  after text
);
CREATE INDEX policy_changes_time ON policy_changes (time);
CREATE INDEX policy_changes_object ON policy_changes (cluster, kind, namespace, name, time);
`;
