/**
 * Versioned schema of the PostgreSQL store: the same tables and columns as the SQLite store,
 * with native types where PostgreSQL has them (inet for IP filters, text[] for policy keys).
 * Append new migrations; never edit an applied one.
 */

import { PG_AUDIT_SQL, PG_AUTH_SQL, PG_FINDINGS_SQL } from './schema-companions.js';
import {
  PG_INCIDENTS_SQL,
  PG_POLICY_CHANGES_SQL,
  PG_REPORTS_SQL,
  PG_REVIEWS_SQL,
} from './schema-governance.js';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** `ip` keeps the text as received; `inet` is its parsed form (null when not an IP) for filters. */
const endpointColumns = (p: 'src' | 'dst'): string => `
  ${p}_kind text NOT NULL,
  ${p}_ns text,
  ${p}_pod text,
  ${p}_wl_kind text,
  ${p}_wl text,
  ${p}_ip text,
  ${p}_inet inet,
  ${p}_group text,
  ${p}_extra text,`;

// Rollup rows stay narrow: the wide aggregation key lives once in rollup_keys. The key_id
// index serves key pruning after retention (which keys no row uses any more).
const rollupTable = (name: string): string => `
CREATE TABLE ${name} (
  bucket bigint NOT NULL,
  key_id bigint NOT NULL,
  flows bigint,
  packets bigint,
  bytes bigint,
  first_seen bigint NOT NULL,
  last_seen bigint NOT NULL,
  PRIMARY KEY (bucket, key_id)
);
CREATE INDEX ${name}_key ON ${name} (key_id);`;

// Index columns end in id so that "ORDER BY time DESC, id DESC" reads the index without a sort.
const V1 = `
CREATE TABLE store_meta (name text PRIMARY KEY, value text NOT NULL);
INSERT INTO store_meta (name, value) VALUES ('rollup_key_epoch', '0');

CREATE TABLE flow_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  time bigint NOT NULL,
  cluster text NOT NULL,
  ${endpointColumns('src')}
  ${endpointColumns('dst')}
  protocol text NOT NULL,
  port integer,
  direction text NOT NULL,
  verdict text NOT NULL,
  reason text NOT NULL,
  drop_reason text,
  policies text,
  policy_keys text[],
  flows bigint,
  packets bigint,
  bytes bigint,
  bytes_to_dst bigint,
  bytes_to_src bigint,
  source text NOT NULL,
  node text,
  duration_ms bigint NOT NULL,
  sample_weight double precision NOT NULL
);
CREATE INDEX flow_events_time ON flow_events (time, id);
CREATE INDEX flow_events_verdict ON flow_events (verdict, time, id);
CREATE INDEX flow_events_src_ns ON flow_events (src_ns, time, id);
CREATE INDEX flow_events_dst_ns ON flow_events (dst_ns, time, id);

CREATE TABLE rollup_keys (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key_text text NOT NULL UNIQUE,
  cluster text NOT NULL,
  src_ns text,
  src_wl text,
  src_kind text NOT NULL,
  dst_ns text,
  dst_wl text,
  dst_kind text NOT NULL,
  protocol text NOT NULL,
  port integer,
  direction text NOT NULL,
  verdict text NOT NULL,
  reason text NOT NULL,
  policy text NOT NULL,
  source text NOT NULL
);
${rollupTable('rollup_1m')}
${rollupTable('rollup_1h')}

CREATE TABLE batches (
  id text PRIMARY KEY,
  received_at bigint NOT NULL,
  flows integer NOT NULL,
  source text NOT NULL,
  lost_events bigint NOT NULL DEFAULT 0
);
CREATE INDEX batches_received_at ON batches (received_at);

CREATE TABLE source_health (
  source text PRIMARY KEY,
  last_data_at bigint,
  last_batch_at bigint NOT NULL,
  flows_total bigint NOT NULL,
  lost_events_total bigint NOT NULL
);

CREATE TABLE ingest_tokens (
  id text PRIMARY KEY,
  name text NOT NULL,
  cluster text,
  token_hash text NOT NULL UNIQUE,
  created_at bigint NOT NULL,
  last_used_at bigint,
  revoked_at bigint
);
`;

// The daily rollup tier (ADR 0006): whole UTC days of rollup_1h, summed by retention;
// rollup_1d_through is the first day not summed yet.
const V9 = `
${rollupTable('rollup_1d')}
INSERT INTO store_meta (name, value) VALUES ('rollup_1d_through', '0');
`;

// The version table: when each version label of each workload was first and last seen.
const V10 = `
CREATE TABLE workload_versions (
  cluster text NOT NULL,
  workload text NOT NULL,
  version text NOT NULL,
  first_seen bigint NOT NULL,
  last_seen bigint NOT NULL,
  PRIMARY KEY (cluster, workload, version)
);
CREATE INDEX workload_versions_last_seen ON workload_versions (last_seen);
`;

export const PG_MIGRATIONS: readonly PgMigration[] = [
  { version: 1, name: 'flow tiers, batches, source health, ingest tokens', sql: V1 },
  { version: 2, name: 'findings', sql: PG_FINDINGS_SQL },
  { version: 3, name: 'users, sessions, login failures, token scopes', sql: PG_AUTH_SQL },
  { version: 4, name: 'hash-chained audit log', sql: PG_AUDIT_SQL },
  { version: 5, name: 'reviews and suppressions', sql: PG_REVIEWS_SQL },
  { version: 6, name: 'incidents and namespace owners', sql: PG_INCIDENTS_SQL },
  { version: 7, name: 'issued reports', sql: PG_REPORTS_SQL },
  { version: 8, name: 'policy change journal', sql: PG_POLICY_CHANGES_SQL },
  { version: 9, name: 'daily rollup tier', sql: V9 },
  { version: 10, name: 'workload version table', sql: V10 },
];

/** The schema version this build writes. */
export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;
