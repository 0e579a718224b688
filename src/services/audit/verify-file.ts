/**
 * `netsec audit verify`: checks a database's chain without writing to it: a SQLite file opened
 * read-only, or a PostgreSQL database (read through a small pool, without running migrations).
 */
import { openAuditStoreReadOnly } from '../../store/sqlite/audit-store-sqlite.js';
import { verifyChain, type VerifyResult } from './audit-log.js';

/** @example const r = await verifyAuditFile('./data/netsec.db'); if (!r.ok) process.exit(1) */
export async function verifyAuditFile(path: string): Promise<VerifyResult> {
  const { store, close } = openAuditStoreReadOnly(path);
  try {
    return await verifyChain(store);
  } finally {
    close();
  }
}

/** @example const r = await verifyAuditPostgres('postgres://netsec@db/netsec') */
export async function verifyAuditPostgres(url: string): Promise<VerifyResult> {
  // Loaded only when asked for: the embedded default never pays for the pg driver.
  const [{ createPool }, { PgAuditStore }] = await Promise.all([
    import('../../store/postgres/pool.js'),
    import('../../store/postgres/audit-store-pg.js'),
  ]);
  const pool = createPool({ url, poolSize: 2 });
  try {
    return await verifyChain(new PgAuditStore(pool));
  } finally {
    await pool.end();
  }
}
