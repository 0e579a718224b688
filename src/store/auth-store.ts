/**
 * Storage seam for access control: users, sessions, login failures and the kind and scope of
 * API tokens (the tokens themselves live in the flow store's ingest-token table).
 */
import type { Role, TokenKind } from '../api/auth-schema.js';

export interface UserRecord {
  id: string;
  username: string;
  /** argon2id PHC string; null for single-sign-on users, who have no local password. */
  passwordHash: string | null;
  role: Role;
  /** Developer scope; null means every namespace. */
  namespaces: string[] | null;
  source: 'local' | 'oidc';
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
  lastLoginAt: number | null;
}

export interface SessionRecord {
  /** SHA-256 of the cookie value; the value itself is never stored. */
  idHash: string;
  userId: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
  /** Absolute expiry: the session ends then however active it is. */
  expiresAt: number;
  revokedAt: number | null;
}

export interface SessionWithUser {
  session: SessionRecord;
  user: UserRecord | null;
}

export interface TokenScope {
  kind: TokenKind;
  namespaces: string[] | null;
}

export interface AuthStore {
  createUser(user: UserRecord): Promise<void>;
  findUserByName(username: string): Promise<UserRecord | null>;
  findUserById(id: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  updateUser(
    id: string,
    patch: Partial<
      Pick<UserRecord, 'passwordHash' | 'role' | 'namespaces' | 'disabled' | 'lastLoginAt'>
    >,
    now: number,
  ): Promise<boolean>;
  countUsers(): Promise<number>;

  createSession(session: SessionRecord): Promise<void>;
  /**
   * The session and its user in one read (the user is null when it no longer exists): every
   * signed-in request asks this, so a networked store answers it in one round trip.
   */
  findSessionWithUser(idHash: string): Promise<SessionWithUser | null>;
  touchSession(idHash: string, now: number): Promise<void>;
  revokeSession(idHash: string, now: number): Promise<void>;
  revokeUserSessions(userId: string, now: number): Promise<void>;
  deleteExpiredSessions(now: number): Promise<number>;

  /** Failed logins for a user name (known or not) since `since`. */
  countFailures(username: string, since: number): Promise<number>;
  recordFailure(username: string, now: number): Promise<void>;
  clearFailures(username: string): Promise<void>;

  setTokenScope(tokenId: string, scope: TokenScope): Promise<void>;
  /** Tokens without a recorded scope are ingest tokens (created before read tokens existed). */
  getTokenScope(tokenId: string): Promise<TokenScope | null>;
}
