/** SQLite implementation of the access-control store, on the flow store's connection. */
import type Database from 'better-sqlite3';

import type { Role, TokenKind } from '../../api/auth-schema.js';
import type {
  AuthStore,
  SessionRecord,
  SessionWithUser,
  TokenScope,
  UserRecord,
} from '../auth-store.js';

interface UserRow {
  id: string;
  username: string;
  password_hash: string | null;
  role: string;
  namespaces: string | null;
  source: string;
  disabled: number;
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

const nsText = (ns: string[] | null): string | null => (ns === null ? null : JSON.stringify(ns));
const nsParse = (text: string | null): string[] | null =>
  text === null ? null : (JSON.parse(text) as string[]);

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    passwordHash: r.password_hash,
    role: r.role as Role,
    namespaces: nsParse(r.namespaces),
    source: r.source === 'oidc' ? 'oidc' : 'local',
    disabled: r.disabled === 1,
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

/** @example const auth = new SqliteAuthStore(flowStore.db) */
export class SqliteAuthStore implements AuthStore {
  constructor(private readonly db: Database.Database) {}

  async createUser(u: UserRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO users (id, username, password_hash, role, namespaces, source, disabled,
          created_at, updated_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        u.id,
        u.username,
        u.passwordHash,
        u.role,
        nsText(u.namespaces),
        u.source,
        u.disabled ? 1 : 0,
        u.createdAt,
        u.updatedAt,
        u.lastLoginAt,
      );
  }

  async findUserByName(username: string): Promise<UserRecord | null> {
    const r = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as
      UserRow | undefined;
    return r ? toUser(r) : null;
  }

  async findUserById(id: string): Promise<UserRecord | null> {
    const r = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return r ? toUser(r) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(
      toUser,
    );
  }

  async updateUser(
    id: string,
    patch: Partial<
      Pick<UserRecord, 'passwordHash' | 'role' | 'namespaces' | 'disabled' | 'lastLoginAt'>
    >,
    now: number,
  ): Promise<boolean> {
    const sets: string[] = ['updated_at = ?'];
    const values: unknown[] = [now];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const col = PATCH_COLUMNS[key];
      if (!col) continue;
      sets.push(`${col} = ?`);
      if (key === 'namespaces') values.push(nsText(value as string[] | null));
      else if (key === 'disabled') values.push(value ? 1 : 0);
      else values.push(value);
    }
    values.push(id);
    return (
      this.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...values).changes ===
      1
    );
  }

  async countUsers(): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at,
          revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.idHash, s.userId, s.csrfToken, s.createdAt, s.lastSeenAt, s.expiresAt, s.revokedAt);
  }

  async findSessionWithUser(idHash: string): Promise<SessionWithUser | null> {
    // Two indexed reads in process: nothing to gain from a join.
    const r = this.db.prepare('SELECT * FROM sessions WHERE id_hash = ?').get(idHash) as
      SessionRow | undefined;
    if (!r) return null;
    return { session: toSession(r), user: await this.findUserById(r.user_id) };
  }

  async touchSession(idHash: string, now: number): Promise<void> {
    this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?').run(now, idHash);
  }

  async revokeSession(idHash: string, now: number): Promise<void> {
    this.db
      .prepare('UPDATE sessions SET revoked_at = ? WHERE id_hash = ? AND revoked_at IS NULL')
      .run(now, idHash);
  }

  async revokeUserSessions(userId: string, now: number): Promise<void> {
    this.db
      .prepare('UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
      .run(now, userId);
  }

  async deleteExpiredSessions(now: number): Promise<number> {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(now).changes;
  }

  async countFailures(username: string, since: number): Promise<number> {
    return (
      this.db
        .prepare('SELECT count(*) AS n FROM login_failures WHERE username = ? AND at >= ?')
        .get(username, since) as { n: number }
    ).n;
  }

  async recordFailure(username: string, now: number): Promise<void> {
    this.db.prepare('INSERT INTO login_failures (username, at) VALUES (?, ?)').run(username, now);
  }

  async clearFailures(username: string): Promise<void> {
    this.db.prepare('DELETE FROM login_failures WHERE username = ?').run(username);
  }

  async setTokenScope(tokenId: string, scope: TokenScope): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO api_token_scopes (token_id, kind, namespaces) VALUES (?, ?, ?)
         ON CONFLICT (token_id) DO UPDATE SET kind = excluded.kind, namespaces = excluded.namespaces`,
      )
      .run(tokenId, scope.kind, nsText(scope.namespaces));
  }

  async getTokenScope(tokenId: string): Promise<TokenScope | null> {
    const r = this.db
      .prepare('SELECT kind, namespaces FROM api_token_scopes WHERE token_id = ?')
      .get(tokenId) as { kind: string; namespaces: string | null } | undefined;
    return r ? { kind: r.kind as TokenKind, namespaces: nsParse(r.namespaces) } : null;
  }
}
