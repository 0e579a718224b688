/**
 * Contract suite for `AuthStore`: every backend runs it (SQLite in
 * `sqlite/auth-contract.test.ts`, PostgreSQL in `postgres/companion-stores.test.ts`).
 * @example describeAuthStoreContract('sqlite', async () => ({ store, cleanup: async () => {} }));
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { AuthStore, SessionRecord, UserRecord } from '../auth-store.js';

export interface OpenedAuthStore {
  store: AuthStore;
  cleanup(): Promise<void>;
}

const T = Date.UTC(2026, 0, 20, 12);

function user(over: Partial<UserRecord> = {}): UserRecord {
  return {
    id: 'u1',
    username: 'alice',
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    role: 'admin',
    namespaces: null,
    source: 'local',
    disabled: false,
    createdAt: T,
    updatedAt: T,
    lastLoginAt: null,
    ...over,
  };
}

function session(over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    idHash: 'h1',
    userId: 'u1',
    csrfToken: 'csrf-1',
    createdAt: T,
    lastSeenAt: T,
    expiresAt: T + 3_600_000,
    revokedAt: null,
    ...over,
  };
}

export function describeAuthStoreContract(
  label: string,
  open: () => Promise<OpenedAuthStore>,
): void {
  describe(`AuthStore contract: ${label}`, () => {
    let handle: OpenedAuthStore | null = null;
    const store = (): AuthStore => {
      if (!handle) throw new Error('no store');
      return handle.store;
    };
    const sessionOf = async (idHash: string): Promise<SessionRecord | null> =>
      (await store().findSessionWithUser(idHash))?.session ?? null;
    beforeEach(async () => {
      handle = await open();
    });
    afterEach(async () => {
      await handle?.cleanup();
      handle = null;
    });

    it('creates, finds, lists and counts users; names are unique', async () => {
      expect(await store().countUsers()).toBe(0);
      const dev = user({
        id: 'u2',
        username: 'bob',
        passwordHash: null,
        role: 'developer',
        namespaces: ['shop', 'billing'],
        source: 'oidc',
      });
      await store().createUser(user());
      await store().createUser(dev);
      expect(await store().findUserByName('alice')).toEqual(user());
      expect(await store().findUserById('u2')).toEqual(dev);
      expect(await store().findUserByName('ALICE')).toBeNull();
      expect(await store().findUserById('nope')).toBeNull();
      expect(await store().findUserByName('a\0lice')).toBeNull();
      expect((await store().listUsers()).map((u) => u.username)).toEqual(['alice', 'bob']);
      expect(await store().countUsers()).toBe(2);
      await expect(store().createUser(user({ id: 'u3' }))).rejects.toThrow();
      await store().createUser(user({ id: 'u4', username: 'Zed', namespaces: [] }));
      // Byte order: upper case before lower case.
      expect((await store().listUsers()).map((u) => u.username)).toEqual(['Zed', 'alice', 'bob']);
      expect((await store().findUserById('u4'))?.namespaces).toEqual([]);
    });

    it('updates only the fields given, and the update time', async () => {
      await store().createUser(user());
      expect(
        await store().updateUser(
          'u1',
          { role: 'developer', namespaces: ['shop'], disabled: true, lastLoginAt: T + 5 },
          T + 10,
        ),
      ).toBe(true);
      expect(await store().findUserById('u1')).toEqual(
        user({
          role: 'developer',
          namespaces: ['shop'],
          disabled: true,
          lastLoginAt: T + 5,
          updatedAt: T + 10,
        }),
      );
      expect(await store().updateUser('u1', { passwordHash: null, namespaces: null }, T + 20)).toBe(
        true,
      );
      expect(await store().findUserById('u1')).toMatchObject({
        passwordHash: null,
        namespaces: null,
        disabled: true,
        updatedAt: T + 20,
      });
      expect(await store().updateUser('u1', { disabled: false }, T + 30)).toBe(true);
      expect((await store().findUserById('u1'))?.disabled).toBe(false);
      expect(await store().updateUser('nope', { role: 'admin' }, T)).toBe(false);
    });

    it('keeps sessions: touch, revoke one or all of a user, delete expired', async () => {
      await store().createSession(session());
      await store().createSession(session({ idHash: 'h2', expiresAt: T + 10 }));
      await store().createSession(session({ idHash: 'h3', userId: 'u2' }));
      expect(await sessionOf('h1')).toEqual(session());
      expect(await sessionOf('nope')).toBeNull();
      await store().touchSession('h1', T + 100);
      expect((await sessionOf('h1'))?.lastSeenAt).toBe(T + 100);
      await store().revokeSession('h1', T + 200);
      await store().revokeSession('h1', T + 300);
      // The first revocation time stays.
      expect((await sessionOf('h1'))?.revokedAt).toBe(T + 200);
      await store().revokeUserSessions('u1', T + 400);
      expect((await sessionOf('h2'))?.revokedAt).toBe(T + 400);
      expect((await sessionOf('h3'))?.revokedAt).toBeNull();
      expect(await store().deleteExpiredSessions(T + 11)).toBe(1);
      expect(await sessionOf('h2')).toBeNull();
      expect(await sessionOf('h1')).not.toBeNull();
    });

    it('finds a session with its user in one call, as they are stored', async () => {
      const dev = user({ id: 'u2', username: 'bob', role: 'developer', namespaces: ['shop'] });
      await store().createUser(user());
      await store().createUser(dev);
      await store().createSession(session({ idHash: 'h1', userId: 'u2', lastSeenAt: T + 7 }));
      await store().createSession(session({ idHash: 'h2', userId: 'gone' }));
      expect(await store().findSessionWithUser('h1')).toEqual({
        session: session({ idHash: 'h1', userId: 'u2', lastSeenAt: T + 7 }),
        user: dev,
      });
      expect(await store().findSessionWithUser('h2')).toEqual({
        session: session({ idHash: 'h2', userId: 'gone' }),
        user: null,
      });
      expect(await store().findSessionWithUser('nope')).toBeNull();
      expect(await store().findSessionWithUser('h1\u0000')).toBeNull();
      await store().updateUser('u2', { disabled: true }, T + 9);
      expect((await store().findSessionWithUser('h1'))?.user?.disabled).toBe(true);
    });

    it('counts login failures per name since a time, and clears them', async () => {
      await store().recordFailure('alice', T);
      await store().recordFailure('alice', T + 10);
      await store().recordFailure('mallory\0', T + 10);
      expect(await store().countFailures('alice', T)).toBe(2);
      expect(await store().countFailures('alice', T + 1)).toBe(1);
      expect(await store().countFailures('bob', T)).toBe(0);
      expect(await store().countFailures('mallory\0', T)).toBe(1);
      await store().clearFailures('alice');
      expect(await store().countFailures('alice', 0)).toBe(0);
      expect(await store().countFailures('mallory\0', T)).toBe(1);
    });

    it('sets, replaces and reads token scopes', async () => {
      expect(await store().getTokenScope('t1')).toBeNull();
      await store().setTokenScope('t1', { kind: 'read', namespaces: ['shop'] });
      expect(await store().getTokenScope('t1')).toEqual({ kind: 'read', namespaces: ['shop'] });
      await store().setTokenScope('t1', { kind: 'metrics', namespaces: null });
      expect(await store().getTokenScope('t1')).toEqual({ kind: 'metrics', namespaces: null });
    });
  });
}
