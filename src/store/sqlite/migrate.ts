/** Applies versioned migrations in order, each in its own IMMEDIATE transaction. */
import type Database from 'better-sqlite3';

import type { Migration } from './schema.js';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

export function schemaVersion(db: Database.Database): number {
  db.exec(CREATE_TABLE);
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as {
    v: number | null;
  };
  return row.v ?? 0;
}

/**
 * Runs every migration newer than the recorded version. Safe to call again and from several
 * processes: each step re-checks the version inside its write transaction.
 * Refuses a database written by a newer build rather than guess at its schema.
 */
export function runMigrations(
  db: Database.Database,
  migrations: readonly Migration[],
  now: number,
): number {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migrations must be numbered 1..n, found ${m.version}`);
  });
  const latest = sorted.length;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new Error(
      `database schema version ${current} is newer than this build supports (${latest}); upgrade netsec`,
    );
  }
  const applied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  for (const m of sorted) {
    if (m.version <= current) continue;
    db.transaction(() => {
      if (applied.get(m.version)) return;
      db.exec(m.sql);
      record.run(m.version, m.name, now);
    }).immediate();
  }
  return schemaVersion(db);
}
