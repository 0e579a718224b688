// Grows a store's raw-event table to a target size by copying its rows onto themselves in SQL
// (no JavaScript per row), for benchmarks whose cost depends on the number of raw events.
import { performance } from 'node:perf_hooks';

import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * Copies `flow_events` rows (all columns but the id) until there are at least `target`, and
 * returns how many there are. `log` gets a line after each copy.
 */
async function grow(table, target, log) {
  let rows = await table.count();
  while (rows < target) {
    const t = performance.now();
    await table.copy(Math.min(rows, target - rows));
    rows = await table.count();
    log(`raw events: ${rows.toLocaleString('en-US')} (${Math.round(performance.now() - t)} ms)`);
  }
  return rows;
}

const copySql = (columns, k) =>
  `INSERT INTO flow_events (${columns}) SELECT ${columns} FROM flow_events LIMIT ${k}`;

/** In the SQLite file at `path` (its own connection, closed at the end). */
export async function growSqliteRawEvents(path, target, log = () => undefined) {
  const db = new Database(path);
  try {
    const columns = db
      .prepare("SELECT name FROM pragma_table_info('flow_events') WHERE name <> 'id'")
      .pluck()
      .all()
      .join(', ');
    return await grow(
      {
        count: () => db.prepare('SELECT count(*) FROM flow_events').pluck().get(),
        copy: (k) => db.exec(copySql(columns, k)),
      },
      target,
      log,
    );
  } finally {
    db.close();
  }
}

/** In the PostgreSQL database at `url`; analyzes the table afterwards. */
export async function growPostgresRawEvents(url, target, log = () => undefined) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT column_name FROM information_schema.columns
       WHERE table_name = 'flow_events' AND column_name <> 'id' ORDER BY ordinal_position`,
    );
    const columns = rows.map((c) => c.column_name).join(', ');
    const n = await grow(
      {
        count: async () =>
          Number((await client.query('SELECT count(*) AS n FROM flow_events')).rows[0].n),
        copy: (k) => client.query(copySql(columns, k)),
      },
      target,
      log,
    );
    await client.query('ANALYZE flow_events');
    return n;
  } finally {
    await client.end();
  }
}
