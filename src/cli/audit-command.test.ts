/**
 * `netsec audit verify` against a real database file that the test tampers with directly
 * (SQLite, triggers dropped as an attacker with file access would): an edit, a deletion and a
 * reordering are each detected and the first bad entry is named.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { CONFIG_DEFAULTS } from '../api/config-schema.js';
import { buildServices, openFlowStore } from '../services/config-store.js';
import { main } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'netsec-audit-'));
const pristine = join(dir, 'pristine.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const config = structuredClone(CONFIG_DEFAULTS);
  config.store.path = pristine;
  const s = buildServices(await openFlowStore(config), { config });
  for (let i = 1; i <= 6; i++)
    await s.auth.audit.record({ actor: `user${i}`, action: 'login', ip: '10.0.0.1' });
  await s.close();
});

let n = 0;
/** A copy of the intact database, opened for tampering with the append-only triggers gone. */
function tamperable(): { path: string; db: Database.Database } {
  n += 1;
  const path = join(dir, `copy-${n}.db`);
  copyFileSync(pristine, path);
  const db = new Database(path);
  db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  return { path, db };
}

async function verify(path: string): Promise<{ code: number; out: string }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await main(['node', 'netsec', 'audit', 'verify', '--db', path]);
    return { code: Number(process.exitCode ?? 0), out };
  } finally {
    spy.mockRestore();
    process.exitCode = before;
  }
}

afterEach(() => vi.restoreAllMocks());

describe('netsec audit verify', () => {
  it('exits 0 on an intact chain', async () => {
    const r = await verify(pristine);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/intact: 6 entries/);
  });

  it('refuses UPDATE and DELETE through SQL while the triggers are in place', () => {
    const path = join(dir, 'triggers.db');
    copyFileSync(pristine, path);
    const db = new Database(path);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'x' WHERE seq = 1").run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM audit_log WHERE seq = 1').run()).toThrow(/append-only/);
    db.close();
  });

  it('detects an edited entry and names it', async () => {
    const { path, db } = tamperable();
    db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3").run();
    db.close();
    const r = await verify(path);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/first bad entry #3: contents do not match/);
  });

  it('detects a deleted entry in the middle', async () => {
    const { path, db } = tamperable();
    db.prepare('DELETE FROM audit_log WHERE seq = 4').run();
    db.close();
    const r = await verify(path);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/first bad entry #5: entry 4 is missing/);
  });

  it('detects a deleted tail through the recorded head', async () => {
    const { path, db } = tamperable();
    db.prepare('DELETE FROM audit_log WHERE seq = 6').run();
    db.close();
    const r = await verify(path);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/first bad entry #6/);
  });

  it('detects reordered entries (contents swapped, sequence numbers kept)', async () => {
    const { path, db } = tamperable();
    const rows = db
      .prepare('SELECT * FROM audit_log WHERE seq IN (2, 5) ORDER BY seq')
      .all() as Record<string, unknown>[];
    const [a, b] = rows as [Record<string, unknown>, Record<string, unknown>];
    const put = db.prepare(
      'UPDATE audit_log SET time = ?, actor = ?, action = ?, details = ?, prev_hash = ?, hash = ? WHERE seq = ?',
    );
    put.run(b['time'], b['actor'], b['action'], b['details'], b['prev_hash'], b['hash'], 2);
    put.run(a['time'], a['actor'], a['action'], a['details'], a['prev_hash'], a['hash'], 5);
    db.close();
    const r = await verify(path);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/first bad entry #2/);
  });

  it('detects reordered entries (sequence numbers swapped)', async () => {
    const { path, db } = tamperable();
    db.exec(
      'UPDATE audit_log SET seq = 100 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 100;',
    );
    db.close();
    const r = await verify(path);
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/first bad entry #2/);
  });
});
