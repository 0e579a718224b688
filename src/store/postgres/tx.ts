/** Transactions and parameter lists shared by the PostgreSQL stores (no pg runtime import). */
import type pg from 'pg';

import { pgText } from './text.js';

/** Runs `fn` in one transaction on one pooled connection; rolls back when it throws. */
export async function inTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const value = await fn(client);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Values of `row` in the order of `columns`, strings made storable (NUL → U+FFFD). Lets a
 * PostgreSQL store reuse the SQLite store's row mapping, which names its parameters.
 */
export function valuesOf(row: object, columns: readonly string[]): unknown[] {
  const r = row as Record<string, unknown>;
  return columns.map((c) => {
    if (!(c in r)) throw new Error(`missing column ${c}`);
    const v = r[c];
    return typeof v === 'string' ? pgText(v) : v;
  });
}

/** `$1, $2, …, $n` from `start`. */
export function placeholders(n: number, start = 1): string {
  return Array.from({ length: n }, (_, i) => `$${i + start}`).join(', ');
}

/** The strings of a filter list, made comparable with what was stored. */
export function textList(values: readonly (string | null)[]): (string | null)[] {
  return values.map((v) => pgText(v));
}
