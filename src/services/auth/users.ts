/**
 * Local and single-sign-on users: creation under the password policy, role and scope changes,
 * disabling, and the first admin. Every change is written to the audit log.
 */
import { randomUUID } from 'node:crypto';

import { type Role, USERNAME_RE } from '../../api/auth-schema.js';
import type { AuthStore, UserRecord } from '../../store/auth-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import { checkPasswordPolicy, generatePassword, hashPassword } from './passwords.js';

export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export interface UserView {
  id: string;
  username: string;
  role: Role;
  namespaces: string[] | null;
  source: 'local' | 'oidc';
  disabled: boolean;
  createdAt: number;
  lastLoginAt: number | null;
}

export function userView(u: UserRecord): UserView {
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    namespaces: u.namespaces,
    source: u.source,
    disabled: u.disabled,
    createdAt: u.createdAt,
    lastLoginAt: u.lastLoginAt,
  };
}

/** Developers must name their namespaces; the other roles see every namespace. */
function scopeFor(role: Role, namespaces: string[] | null | undefined): string[] | null {
  if (role !== 'developer') return null;
  if (!namespaces || namespaces.length === 0)
    throw new UserError('a developer needs at least one namespace');
  return [...new Set(namespaces)].sort();
}

export interface BootstrapResult {
  created: boolean;
  /** Set only when the password was generated: shown once, never stored. */
  generatedPassword: string | null;
}

export class UserService {
  constructor(
    private readonly store: AuthStore,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** @example await users.add({ username: 'alice', password, role: 'developer', namespaces: ['shop'] }, 'admin') */
  async add(
    input: { username: string; password: string; role: Role; namespaces?: string[] | null },
    actor: string,
  ): Promise<UserView> {
    if (!USERNAME_RE.test(input.username)) throw new UserError('invalid user name');
    checkPasswordPolicy(input.password, input.username);
    const namespaces = scopeFor(input.role, input.namespaces);
    if (await this.store.findUserByName(input.username))
      throw new UserError(`user ${input.username} already exists`);
    const t = this.now();
    const user: UserRecord = {
      id: randomUUID(),
      username: input.username,
      passwordHash: await hashPassword(input.password),
      role: input.role,
      namespaces,
      source: 'local',
      disabled: false,
      createdAt: t,
      updatedAt: t,
      lastLoginAt: null,
    };
    await this.store.createUser(user);
    await this.audit.record({
      actor,
      action: 'user.create',
      target: user.username,
      details: { role: user.role, namespaces },
    });
    return userView(user);
  }

  async list(): Promise<UserView[]> {
    return (await this.store.listUsers()).map(userView);
  }

  async get(username: string): Promise<UserRecord | null> {
    return this.store.findUserByName(username);
  }

  async byId(id: string): Promise<UserRecord | null> {
    return this.store.findUserById(id);
  }

  async setRole(
    username: string,
    role: Role,
    namespaces: string[] | null | undefined,
    actor: string,
  ): Promise<UserView> {
    const user = await this.mustGet(username);
    const scope = scopeFor(role, namespaces ?? (role === 'developer' ? user.namespaces : null));
    await this.store.updateUser(user.id, { role, namespaces: scope }, this.now());
    // A narrower role must not keep the wider one's sessions alive.
    await this.store.revokeUserSessions(user.id, this.now());
    await this.audit.record({
      actor,
      action: 'user.set-role',
      target: username,
      details: { from: user.role, to: role, namespaces: scope },
    });
    return userView({ ...user, role, namespaces: scope });
  }

  async setDisabled(username: string, disabled: boolean, actor: string): Promise<UserView> {
    const user = await this.mustGet(username);
    await this.store.updateUser(user.id, { disabled }, this.now());
    if (disabled) await this.store.revokeUserSessions(user.id, this.now());
    await this.audit.record({
      actor,
      action: disabled ? 'user.disable' : 'user.enable',
      target: username,
    });
    return userView({ ...user, disabled });
  }

  async setPassword(username: string, password: string, actor: string): Promise<void> {
    const user = await this.mustGet(username);
    checkPasswordPolicy(password, username);
    await this.store.updateUser(
      user.id,
      { passwordHash: await hashPassword(password) },
      this.now(),
    );
    await this.store.revokeUserSessions(user.id, this.now());
    await this.audit.record({ actor, action: 'user.set-password', target: username });
  }

  /**
   * Creates `admin` when there are no users at all. The password comes from the configuration
   * (NETSEC_ADMIN_PASSWORD) or is generated and returned once; only its hash is stored.
   */
  async bootstrapAdmin(configured: string | null): Promise<BootstrapResult> {
    if ((await this.store.countUsers()) > 0) return { created: false, generatedPassword: null };
    const password = configured ?? generatePassword();
    await this.add({ username: 'admin', password, role: 'admin' }, 'system');
    return { created: true, generatedPassword: configured ? null : password };
  }

  /** Creates or updates a single-sign-on user from the identity provider's claims. */
  async upsertOidc(username: string, role: Role, namespaces: string[] | null): Promise<UserRecord> {
    const existing = await this.store.findUserByName(username);
    const t = this.now();
    if (existing) {
      if (existing.source !== 'oidc')
        throw new UserError('a local account has this name; single sign-on cannot take it over');
      if (
        existing.role !== role ||
        JSON.stringify(existing.namespaces) !== JSON.stringify(namespaces)
      ) {
        await this.store.updateUser(existing.id, { role, namespaces }, t);
        await this.audit.record({
          actor: 'oidc',
          action: 'user.set-role',
          target: username,
          details: { from: existing.role, to: role, namespaces },
        });
      }
      return { ...existing, role, namespaces };
    }
    const user: UserRecord = {
      id: randomUUID(),
      username,
      passwordHash: null,
      role,
      namespaces,
      source: 'oidc',
      disabled: false,
      createdAt: t,
      updatedAt: t,
      lastLoginAt: null,
    };
    await this.store.createUser(user);
    await this.audit.record({
      actor: 'oidc',
      action: 'user.create',
      target: username,
      details: { role, namespaces, source: 'oidc' },
    });
    return user;
  }

  private async mustGet(username: string): Promise<UserRecord> {
    const user = await this.store.findUserByName(username);
    if (!user) throw new UserError(`no user ${username}`);
    return user;
  }
}

export { generatePassword };
