/**
 * Applies versioned migrations under a session advisory lock, each in its own transaction and
 * recorded in `schema_migrations`. Replicas that start at the same time queue on the lock: the
 * first migrates, the others find nothing left to do.
 */
import type pg from 'pg';

import { MIGRATION_LOCK } from './locks.js';
import type { PgMigration } from './schema.js';

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at bigint NOT NULL
)`;

export async function pgSchemaVersion(db: pg.Pool | pg.PoolClient): Promise<number> {
  const r = await db.query<{ v: number | null }>(
    `SELECT CASE WHEN to_regclass('schema_migrations') IS NULL THEN 0
            ELSE (SELECT coalesce(max(version), 0) FROM schema_migrations) END AS v`,
  );
  return r.rows[0]?.v ?? 0;
}

/**
 * Runs every migration newer than the recorded version and returns the version reached.
 * Refuses a database written by a newer build rather than guess at its schema.
 */
export async function runPgMigrations(
  pool: pg.Pool,
  migrations: readonly PgMigration[],
  now: number,
): Promise<number> {
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  sorted.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new Error(`migrations must be numbered 1..n, found ${m.version}`);
  });
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1, $2)', MIGRATION_LOCK);
    try {
      await client.query(CREATE_TABLE);
      const current = await pgSchemaVersion(client);
      if (current > sorted.length) {
        throw new Error(
          `database schema version ${current} is newer than this build supports (${sorted.length}); upgrade netsec`,
        );
      }
      for (const m of sorted) {
        if (m.version <= current) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [m.version, m.name, now],
          );
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw err;
        }
      }
      return await pgSchemaVersion(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, $2)', MIGRATION_LOCK);
    }
  } finally {
    client.release();
  }
}
