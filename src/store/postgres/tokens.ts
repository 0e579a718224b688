/** Ingest tokens: only the hash the caller computed is stored, never the token. */
import { randomUUID } from 'node:crypto';

import type pg from 'pg';

import type { IngestTokenRecord } from '../flow-store.js';
import { pgText } from './pool.js';

interface TokenRow {
  id: string;
  name: string;
  cluster: string | null;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

const COLS = 'id, name, cluster, created_at, last_used_at, revoked_at';

function toRecord(r: TokenRow): IngestTokenRecord {
  return {
    id: r.id,
    name: r.name,
    cluster: r.cluster,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

export async function pgCreateToken(
  pool: pg.Pool,
  name: string,
  cluster: string | null,
  tokenHash: string,
  now: number,
): Promise<IngestTokenRecord> {
  const id = randomUUID();
  const res = await pool.query<TokenRow>(
    `INSERT INTO ingest_tokens (id, name, cluster, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${COLS}`,
    [id, pgText(name), pgText(cluster), pgText(tokenHash), now],
  );
  return toRecord(res.rows[0] as TokenRow);
}

/**
 * The live token with this hash, marking it used; null when unknown or revoked. Marking is
 * best effort: on a read-only or full database the token still authenticates.
 */
export async function pgFindToken(
  pool: pg.Pool,
  tokenHash: string,
  now: number,
): Promise<IngestTokenRecord | null> {
  const res = await pool.query<TokenRow>(
    `SELECT ${COLS} FROM ingest_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
    [pgText(tokenHash)],
  );
  const row = res.rows[0];
  if (!row) return null;
  try {
    await pool.query('UPDATE ingest_tokens SET last_used_at = $1 WHERE token_hash = $2', [
      now,
      pgText(tokenHash),
    ]);
    row.last_used_at = now;
  } catch {
    // The database cannot write just now; the last-used time is informational only.
  }
  return toRecord(row);
}

export async function pgListTokens(pool: pg.Pool): Promise<IngestTokenRecord[]> {
  const res = await pool.query<TokenRow>(
    `SELECT ${COLS} FROM ingest_tokens ORDER BY created_at, id`,
  );
  return res.rows.map(toRecord);
}

/** True when a live token was revoked; false when unknown or already revoked. */
export async function pgRevokeToken(pool: pg.Pool, id: string, now: number): Promise<boolean> {
  const res = await pool.query(
    'UPDATE ingest_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL',
    [now, pgText(id)],
  );
  return res.rowCount === 1;
}
