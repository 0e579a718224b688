/**
 * PostgreSQL implementation of the access-control store (migration 3), on the flow store's
 * pool. User names and token ids come from requests: they go through `pgText`, so a NUL in
 * a login attempt finds nothing instead of failing the query.
 * @example const auth = new PgAuthStore(store.pool);
 */
import type pg from 'pg';

import type { Role, TokenKind } from '../../api/auth-schema.js';
import type {
  AuthStore,
  SessionRecord,
  SessionWithUser,
  TokenScope,
  UserRecord,
} from '../auth-store.js';
import { pgText } from './text.js';

interface UserRow {
  id: string;
  username: string;
  password_hash: string | null;
  role: string;
  namespaces: string[] | null;
  source: string;
  disabled: boolean;
  created_at: number;
  updated_at: number;
  last_login_at: number | null;
}

interface SessionRow {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  revoked_at: number | null;
}

const nsList = (ns: string[] | null): string[] | null =>
  ns === null ? null : ns.map((n) => pgText(n));

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    passwordHash: r.password_hash,
    role: r.role as Role,
    namespaces: r.namespaces,
    source: r.source === 'oidc' ? 'oidc' : 'local',
    disabled: r.disabled,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastLoginAt: r.last_login_at,
  };
}

function toSession(r: SessionRow): SessionRecord {
  return {
    idHash: r.id_hash,
    userId: r.user_id,
    csrfToken: r.csrf_token,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}

const PATCH_COLUMNS: Record<string, string> = {
  passwordHash: 'password_hash',
  role: 'role',
  namespaces: 'namespaces',
  disabled: 'disabled',
  lastLoginAt: 'last_login_at',
};

const USER_COLS = `id, username, password_hash, role, namespaces, source, disabled, created_at,
  updated_at, last_login_at`;
const SESSION_COLS =
  'id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, revoked_at';

const names = (cols: string): readonly string[] => cols.split(',').map((c) => c.trim());
const SESSION_NAMES = names(SESSION_COLS);
const USER_NAMES = names(USER_COLS);
const prefixed = (alias: string, cols: readonly string[]): string =>
  cols.map((c) => `${alias}.${c}`).join(', ');

export class PgAuthStore implements AuthStore {
  constructor(private readonly pool: pg.Pool) {}

  private async rows<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    return (await this.pool.query<T>(text, values)).rows;
  }

  private async changes(text: string, values: unknown[]): Promise<number> {
    return (await this.pool.query(text, values)).rowCount ?? 0;
  }

  async createUser(u: UserRecord): Promise<void> {
    await this.changes(
      `INSERT INTO users (${USER_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        u.id,
        pgText(u.username),
        u.passwordHash,
        u.role,
        nsList(u.namespaces),
        u.source,
        u.disabled,
        u.createdAt,
        u.updatedAt,
        u.lastLoginAt,
      ],
    );
  }

  async findUserByName(username: string): Promise<UserRecord | null> {
    const [r] = await this.rows<UserRow>(`SELECT ${USER_COLS} FROM users WHERE username = $1`, [
      pgText(username),
    ]);
    return r ? toUser(r) : null;
  }

  async findUserById(id: string): Promise<UserRecord | null> {
    const [r] = await this.rows<UserRow>(`SELECT ${USER_COLS} FROM users WHERE id = $1`, [
      pgText(id),
    ]);
    return r ? toUser(r) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    // COLLATE "C": byte order, as SQLite sorts, whatever the database's locale.
    const rows = await this.rows<UserRow>(
      `SELECT ${USER_COLS} FROM users ORDER BY username COLLATE "C"`,
      [],
    );
    return rows.map(toUser);
  }

  async updateUser(
    id: string,
    patch: Partial<
      Pick<UserRecord, 'passwordHash' | 'role' | 'namespaces' | 'disabled' | 'lastLoginAt'>
    >,
    now: number,
  ): Promise<boolean> {
    const values: unknown[] = [now];
    const sets: string[] = ['updated_at = $1'];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const col = PATCH_COLUMNS[key];
      if (!col) continue;
      values.push(key === 'namespaces' ? nsList(value as string[] | null) : value);
      sets.push(`${col} = $${values.length}`);
    }
    values.push(pgText(id));
    const n = await this.changes(
      `UPDATE users SET ${sets.join(', ')} WHERE id = $${values.length}`,
      values,
    );
    return n === 1;
  }

  async countUsers(): Promise<number> {
    const [r] = await this.rows<{ n: number }>('SELECT count(*) AS n FROM users', []);
    return r?.n ?? 0;
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.changes(
      `INSERT INTO sessions (${SESSION_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [s.idHash, s.userId, s.csrfToken, s.createdAt, s.lastSeenAt, s.expiresAt, s.revokedAt],
    );
  }

  async findSessionWithUser(idHash: string): Promise<SessionWithUser | null> {
    // Columns by position: both tables have created_at.
    const r = await this.pool.query<unknown[]>({
      text: `SELECT ${prefixed('s', SESSION_NAMES)}, ${prefixed('u', USER_NAMES)}
        FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`,
      values: [pgText(idHash)],
      rowMode: 'array',
    });
    const row = r.rows[0];
    if (!row) return null;
    const pick = <T>(cols: readonly string[], at: number): T =>
      Object.fromEntries(cols.map((c, i) => [c, row[at + i]])) as T;
    const session = toSession(pick<SessionRow>(SESSION_NAMES, 0));
    const user = pick<UserRow>(USER_NAMES, SESSION_NAMES.length);
    return { session, user: user.id === null ? null : toUser(user) };
  }

  async touchSession(idHash: string, now: number): Promise<void> {
    await this.changes('UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2', [
      now,
      pgText(idHash),
    ]);
  }

  async revokeSession(idHash: string, now: number): Promise<void> {
    await this.changes(
      'UPDATE sessions SET revoked_at = $1 WHERE id_hash = $2 AND revoked_at IS NULL',
      [now, pgText(idHash)],
    );
  }

  async revokeUserSessions(userId: string, now: number): Promise<void> {
    await this.changes(
      'UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL',
      [now, pgText(userId)],
    );
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return this.changes('DELETE FROM sessions WHERE expires_at < $1', [now]);
  }

  async countFailures(username: string, since: number): Promise<number> {
    const [r] = await this.rows<{ n: number }>(
      'SELECT count(*) AS n FROM login_failures WHERE username = $1 AND at >= $2',
      [pgText(username), since],
    );
    return r?.n ?? 0;
  }

  async recordFailure(username: string, now: number): Promise<void> {
    await this.changes('INSERT INTO login_failures (username, at) VALUES ($1, $2)', [
      pgText(username),
      now,
    ]);
  }

  async clearFailures(username: string): Promise<void> {
    await this.changes('DELETE FROM login_failures WHERE username = $1', [pgText(username)]);
  }

  async setTokenScope(tokenId: string, scope: TokenScope): Promise<void> {
    await this.changes(
      `INSERT INTO api_token_scopes (token_id, kind, namespaces) VALUES ($1, $2, $3)
       ON CONFLICT (token_id) DO UPDATE SET kind = excluded.kind, namespaces = excluded.namespaces`,
      [pgText(tokenId), scope.kind, nsList(scope.namespaces)],
    );
  }

  async getTokenScope(tokenId: string): Promise<TokenScope | null> {
    const [r] = await this.rows<{ kind: string; namespaces: string[] | null }>(
      'SELECT kind, namespaces FROM api_token_scopes WHERE token_id = $1',
      [pgText(tokenId)],
    );
    return r ? { kind: r.kind as TokenKind, namespaces: r.namespaces } : null;
  }
}
