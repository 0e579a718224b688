/** Ingest tokens: only the hash the caller computed is stored, never the token. */
import { randomUUID } from 'node:crypto';

import type Database from 'better-sqlite3';

import type { IngestTokenRecord } from '../flow-store.js';

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

export function createToken(
  db: Database.Database,
  name: string,
  cluster: string | null,
  tokenHash: string,
  now: number,
): IngestTokenRecord {
  const id = randomUUID();
  db.prepare(
    'INSERT INTO ingest_tokens (id, name, cluster, token_hash, created_at) VALUES (?, ?, ?, ?, ?)',
  ).run(id, name, cluster, tokenHash, now);
  return { id, name, cluster, createdAt: now, lastUsedAt: null, revokedAt: null };
}

/**
 * The live token with this hash, marking it used; null when unknown or revoked. Marking is
 * best effort: on a full or read-only disk the token still authenticates (reads keep working).
 */
export function findToken(
  db: Database.Database,
  tokenHash: string,
  now: number,
): IngestTokenRecord | null {
  const row = db
    .prepare(`SELECT ${COLS} FROM ingest_tokens WHERE token_hash = ? AND revoked_at IS NULL`)
    .get(tokenHash) as TokenRow | undefined;
  if (!row) return null;
  try {
    db.prepare('UPDATE ingest_tokens SET last_used_at = ? WHERE token_hash = ?').run(
      now,
      tokenHash,
    );
    row.last_used_at = now;
  } catch {
    // The store cannot write just now; the last-used time is informational only.
  }
  return toRecord(row);
}

export function listTokens(db: Database.Database): IngestTokenRecord[] {
  const rows = db
    .prepare(`SELECT ${COLS} FROM ingest_tokens ORDER BY created_at, id`)
    .all() as TokenRow[];
  return rows.map(toRecord);
}

/** True when a live token was revoked; false when unknown or already revoked. */
export function revokeToken(db: Database.Database, id: string, now: number): boolean {
  return (
    db
      .prepare('UPDATE ingest_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
      .run(now, id).changes === 1
  );
}
