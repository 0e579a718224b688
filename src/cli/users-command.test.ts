/** `netsec users` and `netsec tokens --kind` in-process on a temporary database. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it, vi } from 'vitest';

import { verifyAuditFile } from '../services/audit/verify-file.js';
import { main } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'netsec-users-'));
const db = join(dir, 'netsec.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function netsec(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((out += String(c)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((err += String(c)), true));
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await main(['node', 'netsec', ...args, '--db', db]);
    return { code: Number(process.exitCode ?? 0), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = before;
  }
}

describe('netsec users', () => {
  it('adds a user with a generated password shown once and stores only its hash', async () => {
    const r = await netsec([
      'users',
      'add',
      'alice',
      '--role',
      'developer',
      '--namespace',
      'shop',
      '--json',
    ]);
    expect(r.code, r.err).toBe(0);
    const { password, role, namespaces } = JSON.parse(r.out) as {
      password: string;
      role: string;
      namespaces: string[];
    };
    expect(role).toBe('developer');
    expect(namespaces).toEqual(['shop']);
    expect(readFileSync(db).includes(Buffer.from(password))).toBe(false);
  });

  it('lists, changes the role and disables, all audited', async () => {
    expect((await netsec(['users', 'list'])).out).toMatch(/alice\s+developer\s+shop/);
    expect((await netsec(['users', 'set-role', 'alice', 'auditor'])).code).toBe(0);
    expect((await netsec(['users', 'disable', 'alice'])).code).toBe(0);
    const list = JSON.parse((await netsec(['users', 'list', '--json'])).out) as {
      role: string;
      disabled: boolean;
    }[];
    expect(list[0]).toMatchObject({ role: 'auditor', disabled: true });
    const v = await verifyAuditFile(db);
    expect(v.ok).toBe(true);
    expect(v.entries).toBe(3);
  });

  it('sets a generated password and refuses an unknown user', async () => {
    const r = await netsec(['users', 'set-password', 'alice']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/New password of alice, shown only now/);
    expect((await netsec(['users', 'set-password', 'nobody'])).code).not.toBe(0);
  });

  it('refuses a bad role and a developer without namespaces', async () => {
    expect((await netsec(['users', 'add', 'bob', '--role', 'root'])).code).not.toBe(0);
    expect((await netsec(['users', 'add', 'bob', '--role', 'developer'])).err).toMatch(/namespace/);
  });

  it('creates read and metrics tokens and lists their kinds', async () => {
    const r = await netsec(['tokens', 'create', '--name', 'grafana', '--kind', 'read', '--json']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { token: string }).token).toMatch(/^nsr_/);
    expect((await netsec(['tokens', 'create', '--name', 'prom', '--kind', 'metrics'])).code).toBe(
      0,
    );
    expect((await netsec(['tokens', 'create', '--name', 'x', '--kind', 'admin'])).code).not.toBe(0);
    const list = (await netsec(['tokens', 'list'])).out;
    expect(list).toMatch(/grafana\s+read/);
    expect(list).toMatch(/prom\s+metrics/);
  });
});
