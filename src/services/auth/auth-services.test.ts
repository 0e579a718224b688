import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CONFIG_DEFAULTS } from '../../api/config-schema.js';
import type { FlowStore } from '../../store/flow-store.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import { makeFlow, T0 } from '../../testing/flow-factory.js';
import { buildAuthServices } from './index.js';
import { mapGroups } from './oidc.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import { runAs } from './request-principal.js';
import type { Principal } from './roles.js';

let store: FlowStore;
let clock = T0;
const now = (): number => clock;

beforeEach(async () => {
  clock = T0;
  store = openSqliteStore({ path: ':memory:' });
  await store.migrate();
  await store.writeBatch({
    id: 'b',
    flows: [makeFlow(), makeFlow({ src: { namespace: 'other' }, dst: { namespace: 'other' } })],
    source: 'hubble',
    receivedAt: T0,
  });
});
afterEach(async () => store.close());

describe('passwords', () => {
  it('hashes with argon2id and verifies', async () => {
    const phc = await hashPassword('Correct-horse-battery');
    expect(phc).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(phc, 'Correct-horse-battery')).toBe(true);
    expect(await verifyPassword(phc, 'wrong')).toBe(false);
  });

  it('applies the policy', () => {
    expect(() => checkPasswordPolicy('short', 'bob')).toThrow(/12 characters/);
    expect(() => checkPasswordPolicy('bob-bob-bob-bob', 'bob')).toThrow(/user name/);
    expect(() => checkPasswordPolicy('aaaaaaaaaaaaaaa', 'x')).toThrow(/different/);
    expect(() => checkPasswordPolicy('Password12345', 'x')).toThrow(/common/);
    expect(() => checkPasswordPolicy('Correct-horse-battery', 'bob')).not.toThrow();
  });
});

describe('users and sessions', () => {
  it('bootstraps the first admin once, never storing the password', async () => {
    const auth = buildAuthServices(store, { now });
    const first = await auth.users.bootstrapAdmin(null);
    expect(first.created).toBe(true);
    expect(first.generatedPassword).toMatch(/^[\w-]{24}$/);
    const admin = await auth.users.get('admin');
    expect(admin?.passwordHash).not.toContain(first.generatedPassword);
    expect((await auth.users.bootstrapAdmin('another-Passw0rd!')).created).toBe(false);
    const login = await auth.sessions.login('admin', first.generatedPassword as string, null);
    expect(login.ok).toBe(true);
  });

  it('ends sessions after the idle time and the absolute time', async () => {
    const auth = buildAuthServices(store, {
      now,
      auth: { sessionIdleMinutes: 10, sessionAbsoluteHours: 1 },
    });
    await auth.users.add(
      { username: 'sec', password: 'Correct-horse-battery', role: 'security' },
      't',
    );
    const r = await auth.sessions.login('sec', 'Correct-horse-battery', null);
    if (!r.ok) throw new Error('login failed');
    for (let i = 0; i < 6; i++) {
      clock += 9 * 60_000;
      expect(await auth.sessions.validate(r.session.id), `after ${i}`).not.toBeNull();
    }
    clock += 9 * 60_000; // 63 minutes in: past the absolute hour although active
    expect(await auth.sessions.validate(r.session.id)).toBeNull();
    const r2 = await auth.sessions.login('sec', 'Correct-horse-battery', null);
    if (!r2.ok) throw new Error('login failed');
    clock += 11 * 60_000;
    expect(await auth.sessions.validate(r2.session.id)).toBeNull();
  });

  it('ends the sessions of a disabled user and refuses their login', async () => {
    const auth = buildAuthServices(store, { now });
    await auth.users.add(
      {
        username: 'dev',
        password: 'Correct-horse-battery',
        role: 'developer',
        namespaces: ['shop'],
      },
      't',
    );
    const r = await auth.sessions.login('dev', 'Correct-horse-battery', null);
    if (!r.ok) throw new Error('login failed');
    await auth.users.setDisabled('dev', true, 'admin');
    expect(await auth.sessions.validate(r.session.id)).toBeNull();
    expect((await auth.sessions.login('dev', 'Correct-horse-battery', null)).ok).toBe(false);
  });

  it('requires namespaces for developers', async () => {
    const auth = buildAuthServices(store, { now });
    await expect(
      auth.users.add({ username: 'd', password: 'Correct-horse-battery', role: 'developer' }, 't'),
    ).rejects.toThrow(/namespace/);
  });
});

describe('tokens', () => {
  it('keeps kinds and scopes beside the hashed token', async () => {
    const auth = buildAuthServices(store, { now });
    const read = await auth.tokens.create('grafana', null, { kind: 'read', namespaces: ['shop'] });
    clock += 1; // the list is ordered by creation time
    const ingest = await auth.tokens.create('collector', 'prod');
    expect((await auth.tokens.verifyBearer(`Bearer ${read.token}`))?.kind).toBe('read');
    expect((await auth.tokens.verifyBearer(`Bearer ${ingest.token}`))?.kind).toBe('ingest');
    const listed = await auth.tokens.list();
    expect(listed.map((t) => [t.name, t.kind, t.namespaces])).toEqual([
      ['grafana', 'read', ['shop']],
      ['collector', 'ingest', null],
    ]);
    expect(listed.map((t) => t.lastUsedAt)).toEqual([T0 + 1, T0 + 1]);
  });
});

describe('guarded store', () => {
  const dev: Principal = {
    type: 'user',
    id: 'd',
    name: 'dev',
    role: 'developer',
    tokenKind: null,
    namespaces: ['shop'],
    cluster: null,
    pseudonymise: true,
  };

  it('scopes reads to the principal and refuses everything else', async () => {
    const auth = buildAuthServices(store, { now });
    const g = auth.guardedStore;
    const page = await runAs(dev, () => g.queryFlows({}, { limit: 100 }));
    expect(page.flows.map((f) => f.src.namespace)).toEqual(['shop']);
    const rows = await runAs(dev, () =>
      g.queryRollups({ resolution: '1m', groupBy: ['srcNamespace'] }),
    );
    expect(rows.map((r) => r.srcNamespace)).toEqual(['shop']);
    await expect(runAs(dev, () => g.stats())).rejects.toThrow(/not available/);
    expect(() =>
      runAs(dev, () => g.writeBatch({ id: 'x', flows: [], source: 'hubble', receivedAt: 0 })),
    ).toThrow(/not available/);
    // Without a principal (a lost context, an anonymous request) nothing is answered.
    await expect(g.queryFlows({}, {})).rejects.toThrow(/authentication/);
    await expect(runAs(null, () => g.queryFlows({}, {}))).rejects.toThrow(/authentication/);
  });
});

describe('group mapping', () => {
  const groups = [
    { group: 'dev-a', role: 'developer' as const, namespaces: ['a'] },
    { group: 'dev-b', role: 'developer' as const, namespaces: ['b'] },
    { group: 'sec', role: 'security' as const },
  ];
  it('takes the most privileged role and unites developer namespaces', () => {
    expect(mapGroups(['dev-a', 'dev-b'], groups)).toEqual({
      role: 'developer',
      namespaces: ['a', 'b'],
    });
    expect(mapGroups(['dev-a', 'sec'], groups)).toEqual({ role: 'security', namespaces: null });
    expect(mapGroups(['other'], groups)).toBeNull();
  });
});

it('keeps the config defaults free of an auth section (defaults come from resolveAuthConfig)', () => {
  expect(CONFIG_DEFAULTS.auth).toBeUndefined();
});
