/**
 * Access control wired around an open flow store: users, sessions, single sign-on, API tokens,
 * the audit log, and the guarded store view the read services use inside requests.
 */
import { randomBytes } from 'node:crypto';

import { type AuthConfig, type AuthConfigLayer, resolveAuthConfig } from '../../api/auth-schema.js';
import type { AuditStore } from '../../store/audit-store.js';
import type { AuthStore, UserRecord } from '../../store/auth-store.js';
import type { FlowStore } from '../../store/flow-store.js';
import { pgCompanionsOf } from '../../store/postgres/companions.js';
import { SqliteAuditStore } from '../../store/sqlite/audit-store-sqlite.js';
import { SqliteAuthStore } from '../../store/sqlite/auth-store-sqlite.js';
import { SqliteFlowStore } from '../../store/sqlite/sqlite-store.js';
import { AuditLog } from '../audit/audit-log.js';
import { type ApiTokenRecord, TokenService } from '../tokens.js';
import { guardStore } from './guarded-store.js';
import { OidcService } from './oidc.js';
import type { Principal } from './roles.js';
import { SessionService } from './sessions.js';
import { UserService } from './users.js';

export { OidcError } from './oidc.js';
export { PasswordPolicyError } from './passwords.js';
export { currentPrincipal, runAs } from './request-principal.js';
export { accessScopeOf, can, ForbiddenError, type Permission, type Principal } from './roles.js';
export { sameSecret } from './sessions.js';
export { UserError, type UserView } from './users.js';

export interface AuthServices {
  config: AuthConfig;
  store: AuthStore;
  audit: AuditLog;
  users: UserService;
  sessions: SessionService;
  tokens: TokenService;
  oidc: OidcService | null;
  /** The flow store as request handlers must see it: scoped and pseudonymised per principal. */
  guardedStore: FlowStore;
  principalForUser(user: UserRecord): Principal;
  principalForToken(token: ApiTokenRecord): Principal;
}

/** Stores for backends that do not keep users yet: every call fails with a clear message. */
function unavailable<T extends object>(what: string): T {
  return new Proxy({} as T, {
    get: () => () => Promise.reject(new Error(`${what} need the SQLite or PostgreSQL store`)),
  });
}

/** @example const auth = buildAuthServices(store, { auth: config.auth }) */
export function buildAuthServices(
  flowStore: FlowStore,
  options: { auth?: AuthConfigLayer | undefined; now?: () => number } = {},
): AuthServices {
  const config = resolveAuthConfig(options.auth);
  const now = options.now ?? Date.now;
  const sqlite = flowStore instanceof SqliteFlowStore ? flowStore.db : null;
  const pg = sqlite ? null : pgCompanionsOf(flowStore);
  const known = sqlite !== null || pg !== null;
  const store: AuthStore = sqlite
    ? new SqliteAuthStore(sqlite)
    : (pg?.auth() ?? unavailable('user accounts'));
  const auditStore: AuditStore = sqlite
    ? new SqliteAuditStore(sqlite)
    : (pg?.audit() ?? unavailable('the audit log'));
  const audit = new AuditLog(auditStore, now);
  const users = new UserService(store, audit, now);
  const sessions = new SessionService(store, audit, config, now);
  const tokens = new TokenService(flowStore, now, known ? store : null);
  const pseudonymKey = randomBytes(32);
  const pseudonymised = (role: UserRecord['role'] | null): boolean =>
    role !== null && config.pseudonymiseExternalIpsFor.includes(role);
  return {
    config,
    store,
    audit,
    users,
    sessions,
    tokens,
    oidc: config.oidc ? new OidcService(config.oidc, users, audit, now) : null,
    guardedStore: guardStore(flowStore, pseudonymKey),
    principalForUser: (u) => ({
      type: 'user',
      id: u.id,
      name: u.username,
      role: u.role,
      tokenKind: null,
      namespaces: u.role === 'developer' ? (u.namespaces ?? []) : null,
      cluster: null,
      pseudonymise: pseudonymised(u.role),
    }),
    principalForToken: (t) => ({
      type: 'token',
      id: t.id,
      name: `token:${t.name}`,
      role: null,
      tokenKind: t.kind,
      namespaces: t.namespaces,
      cluster: t.cluster,
      pseudonymise: false,
    }),
  };
}
