/**
 * Password login with lockout, and server-side sessions with idle and absolute expiry. The
 * cookie carries a random id; the store keeps only its SHA-256, so a stolen database does not
 * yield live sessions.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

import type { AuthConfig } from '../../api/auth-schema.js';
import type { AuthStore, SessionRecord, UserRecord } from '../../store/auth-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import { hashToken } from '../tokens.js';
import { dummyHash, verifyPassword } from './passwords.js';

export type LoginResult =
  { ok: true; user: UserRecord; session: NewSession } | { ok: false; reason: 'invalid' | 'locked' };

export interface NewSession {
  /** The cookie value; returned once. */
  id: string;
  csrfToken: string;
  expiresAt: number;
}

export interface ValidSession {
  session: SessionRecord;
  user: UserRecord;
}

/** Constant-time string comparison. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class SessionService {
  constructor(
    private readonly store: AuthStore,
    private readonly audit: AuditLog,
    private readonly config: AuthConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Checks a password. Failures are counted per user name, whether or not it exists, so the
   * lockout reveals nothing about which accounts exist.
   */
  async login(username: string, password: string, ip: string | null): Promise<LoginResult> {
    const t = this.now();
    const key = username.toLowerCase().slice(0, 128);
    const windowStart = t - this.config.lockoutMinutes * 60_000;
    if ((await this.store.countFailures(key, windowStart)) >= this.config.loginMaxFailures) {
      await this.audit.record({
        actor: key,
        action: 'login',
        outcome: 'denied',
        ip,
        details: { reason: 'locked' },
      });
      return { ok: false, reason: 'locked' };
    }
    const user = await this.store.findUserByName(username);
    const phc = user?.passwordHash ?? (await dummyHash());
    const good = (await verifyPassword(phc, password)) && user !== null && !user.disabled;
    if (!good || !user || user.passwordHash === null) {
      await this.store.recordFailure(key, t);
      await this.audit.record({
        actor: key,
        action: 'login',
        outcome: 'failed',
        ip,
        details: { method: 'password' },
      });
      return { ok: false, reason: 'invalid' };
    }
    await this.store.clearFailures(key);
    const session = await this.start(user, ip, 'password');
    return { ok: true, user, session };
  }

  /** Opens a session for an authenticated user (password or single sign-on). */
  async start(user: UserRecord, ip: string | null, method: string): Promise<NewSession> {
    const t = this.now();
    const id = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = t + this.config.sessionAbsoluteHours * 3_600_000;
    await this.store.createSession({
      idHash: hashToken(id),
      userId: user.id,
      csrfToken,
      createdAt: t,
      lastSeenAt: t,
      expiresAt,
      revokedAt: null,
    });
    await this.store.updateUser(user.id, { lastLoginAt: t }, t);
    await this.audit.record({ actor: user.username, action: 'login', ip, details: { method } });
    return { id, csrfToken, expiresAt };
  }

  /** The live session for a cookie value, refreshing its idle timer; null when not valid. */
  async validate(cookieValue: string | undefined): Promise<ValidSession | null> {
    if (!cookieValue || cookieValue.length > 200) return null;
    const t = this.now();
    const found = await this.store.findSessionWithUser(hashToken(cookieValue));
    if (!found) return null;
    const { session, user } = found;
    if (session.revokedAt !== null) return null;
    if (t >= session.expiresAt) return null;
    if (t - session.lastSeenAt >= this.config.sessionIdleMinutes * 60_000) return null;
    if (!user || user.disabled) return null;
    // One write per minute at most: the idle timer does not need millisecond precision.
    // Best effort: a store that cannot write (disk full) must not sign everyone out of reads.
    if (t - session.lastSeenAt > 60_000)
      await this.store.touchSession(session.idHash, t).catch(() => undefined);
    return { session, user };
  }

  async logout(cookieValue: string, actor: string, ip: string | null): Promise<void> {
    await this.store.revokeSession(hashToken(cookieValue), this.now());
    await this.audit.record({ actor, action: 'logout', ip });
  }
}
