/**
 * PostgreSQL migrations 2–4: findings, access control and the audit log. Same tables and
 * columns as SQLite's migrations 2–4 (src/store/sqlite/schema.ts, auth-migrations.ts), with
 * bigint times, boolean flags and text[] namespace lists. Never edit once applied.
 */

// Findings of the detectors (finding-store-pg.ts).
export const PG_FINDINGS_SQL = `
CREATE TABLE findings (
  id text COLLATE "C" PRIMARY KEY,
  key text NOT NULL,
  type text NOT NULL,
  severity text NOT NULL,
  confidence double precision NOT NULL,
  start bigint NOT NULL,
  end_time bigint NOT NULL,
  status text NOT NULL,
  cluster text NOT NULL,
  namespace text,
  workload text,
  peer text,
  evidence text NOT NULL,
  explanation text NOT NULL,
  samples text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX findings_key ON findings (key, end_time);
CREATE INDEX findings_end ON findings (end_time, id);
CREATE INDEX findings_status ON findings (status, end_time);
`;

// Users, sessions, login failures and the kind and scope of API tokens (auth-store-pg.ts).
// A namespace list is NULL for "every namespace", as in SQLite's JSON column.
export const PG_AUTH_SQL = `
CREATE TABLE users (
  id text PRIMARY KEY,
  username text COLLATE "C" NOT NULL UNIQUE,
  password_hash text,
  role text NOT NULL,
  namespaces text[],
  source text NOT NULL,
  disabled boolean NOT NULL DEFAULT false,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  last_login_at bigint
);
CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  user_id text NOT NULL,
  csrf_token text NOT NULL,
  created_at bigint NOT NULL,
  last_seen_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  revoked_at bigint
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE TABLE login_failures (
  username text NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX login_failures_name ON login_failures (username, at);
CREATE TABLE api_token_scopes (
  token_id text PRIMARY KEY,
  kind text NOT NULL,
  namespaces text[]
);
`;

// The hash-chained audit log (audit-store-pg.ts). Triggers make it append-only through SQL for
// every role but a superuser who disables them; the hash chain detects what goes around them.
export const PG_AUDIT_SQL = `
CREATE TABLE audit_log (
  seq bigint PRIMARY KEY,
  time bigint NOT NULL,
  actor text NOT NULL,
  action text NOT NULL,
  target text,
  outcome text NOT NULL,
  ip text,
  details text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);
CREATE INDEX audit_log_time ON audit_log (time);
CREATE TABLE audit_head (
  id integer PRIMARY KEY CHECK (id = 1),
  seq bigint NOT NULL,
  hash text NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
`;
