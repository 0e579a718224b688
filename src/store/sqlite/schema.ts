/**
 * Versioned schema of the SQLite store. Append new migrations; never edit an applied one.
 * Each runs in its own transaction and is recorded in `schema_migrations`.
 */

import { AUDIT_MIGRATION_SQL, AUTH_MIGRATION_SQL } from './auth-migrations.js';
import { REVIEW_MIGRATION_SQL } from './migration-v5-reviews.js';
import { INCIDENT_MIGRATION_SQL } from './migration-v6-incidents.js';
import { REPORT_MIGRATION_SQL } from './migration-v7-reports.js';
import { POLICY_CHANGE_MIGRATION_SQL } from './migration-v8-policy-changes.js';
import { DAILY_ROLLUP_MIGRATION_SQL } from './migration-v9-daily-rollups.js';
import { WORKLOAD_VERSION_MIGRATION_SQL } from './migration-v10-workload-versions.js';
import { DENIED_KEY_ID_MIGRATION_SQL } from './migration-v11-denied-key-ids.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Endpoint columns of a raw event; `extra` holds labels, DNS names and `aggregated` as JSON. */
const endpointColumns = (p: 'src' | 'dst'): string => `
  ${p}_kind TEXT NOT NULL,
  ${p}_ns TEXT,
  ${p}_pod TEXT,
  ${p}_wl_kind TEXT,
  ${p}_wl TEXT,
  ${p}_ip TEXT,
  ${p}_ip_key BLOB,
  ${p}_group TEXT,
  ${p}_extra TEXT,`;

// Rollup rows stay narrow: the wide aggregation key lives once in rollup_keys.
const rollupTable = (name: string): string => `
CREATE TABLE ${name} (
  bucket INTEGER NOT NULL,
  key_id INTEGER NOT NULL,
  flows INTEGER,
  packets INTEGER,
  bytes INTEGER,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY (bucket, key_id)
) WITHOUT ROWID;`;

const V1 = `
CREATE TABLE store_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO store_meta (name, value) VALUES ('rollup_key_epoch', '0');

CREATE TABLE flow_events (
  id INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  cluster TEXT NOT NULL,
  ${endpointColumns('src')}
  ${endpointColumns('dst')}
  protocol TEXT NOT NULL,
  port INTEGER,
  direction TEXT NOT NULL,
  verdict TEXT NOT NULL,
  reason TEXT NOT NULL,
  drop_reason TEXT,
  policies TEXT,
  policy_keys TEXT,
  flows INTEGER,
  packets INTEGER,
  bytes INTEGER,
  bytes_to_dst INTEGER,
  bytes_to_src INTEGER,
  source TEXT NOT NULL,
  node TEXT,
  duration_ms INTEGER NOT NULL,
  sample_weight REAL NOT NULL
);
CREATE INDEX flow_events_time ON flow_events (time);
CREATE INDEX flow_events_verdict ON flow_events (verdict, time);
CREATE INDEX flow_events_src_ns ON flow_events (src_ns, time);
CREATE INDEX flow_events_dst_ns ON flow_events (dst_ns, time);

CREATE TABLE rollup_keys (
  id INTEGER PRIMARY KEY,
  key_text TEXT NOT NULL UNIQUE,
  cluster TEXT NOT NULL,
  src_ns TEXT,
  src_wl TEXT,
  src_kind TEXT NOT NULL,
  dst_ns TEXT,
  dst_wl TEXT,
  dst_kind TEXT NOT NULL,
  protocol TEXT NOT NULL,
  port INTEGER,
  direction TEXT NOT NULL,
  verdict TEXT NOT NULL,
  reason TEXT NOT NULL,
  policy TEXT NOT NULL,
  source TEXT NOT NULL
);
${rollupTable('rollup_1m')}
${rollupTable('rollup_1h')}

CREATE TABLE batches (
  id TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL,
  flows INTEGER NOT NULL,
  source TEXT NOT NULL,
  lost_events INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX batches_received_at ON batches (received_at);

CREATE TABLE source_health (
  source TEXT PRIMARY KEY,
  last_data_at INTEGER,
  last_batch_at INTEGER NOT NULL,
  flows_total INTEGER NOT NULL,
  lost_events_total INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE ingest_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  cluster TEXT,
  token_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER
);
`;

// Findings of the detectors (src/store/sqlite/finding-store-sqlite.ts).
const V2 = `
CREATE TABLE findings (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  type TEXT NOT NULL,
  severity TEXT NOT NULL,
  confidence REAL NOT NULL,
  start INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  status TEXT NOT NULL,
  cluster TEXT NOT NULL,
  namespace TEXT,
  workload TEXT,
  peer TEXT,
  evidence TEXT NOT NULL,
  explanation TEXT NOT NULL,
  samples TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX findings_key ON findings (key, end_time);
CREATE INDEX findings_end ON findings (end_time);
CREATE INDEX findings_status ON findings (status, end_time);
`;

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'flow tiers, batches, source health, ingest tokens', sql: V1 },
  { version: 2, name: 'findings', sql: V2 },
  { version: 3, name: 'users, sessions, login failures, token scopes', sql: AUTH_MIGRATION_SQL },
  { version: 4, name: 'hash-chained audit log', sql: AUDIT_MIGRATION_SQL },
  { version: 5, name: 'reviews and suppressions', sql: REVIEW_MIGRATION_SQL },
  { version: 6, name: 'incidents and namespace owners', sql: INCIDENT_MIGRATION_SQL },
  { version: 7, name: 'issued reports', sql: REPORT_MIGRATION_SQL },
  { version: 8, name: 'policy change journal', sql: POLICY_CHANGE_MIGRATION_SQL },
  { version: 9, name: 'daily rollup tier', sql: DAILY_ROLLUP_MIGRATION_SQL },
  { version: 10, name: 'workload version table', sql: WORKLOAD_VERSION_MIGRATION_SQL },
  { version: 11, name: 'negative ids for denied rollup keys', sql: DENIED_KEY_ID_MIGRATION_SQL },
];

/** The schema version this build writes. */
export const SQLITE_SCHEMA_VERSION = 11;
