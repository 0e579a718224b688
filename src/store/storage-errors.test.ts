import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import {
  classifyStorageError,
  StorageAvailability,
  StorageUnavailableError,
} from './storage-errors.js';

const coded = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('classifyStorageError', () => {
  it.each([
    ['SQLITE_FULL', 'full'],
    ['SQLITE_READONLY', 'read-only'],
    ['SQLITE_READONLY_DBMOVED', 'read-only'],
    ['SQLITE_IOERR_WRITE', 'io'],
    ['SQLITE_IOERR_FSYNC', 'io'],
    ['SQLITE_BUSY', 'busy'],
    ['SQLITE_BUSY_SNAPSHOT', 'busy'],
    ['53100', 'full'],
    ['25006', 'read-only'],
    ['57P01', 'connection'],
    ['08006', 'connection'],
    ['08001', 'connection'],
    ['ENOSPC', 'full'],
    ['EROFS', 'read-only'],
    ['ECONNREFUSED', 'connection'],
  ])('%s is %s', (code, kind) => {
    const f = classifyStorageError(coded(code));
    expect(f?.kind).toBe(kind);
    expect(f?.code).toBe(code);
    expect(f?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it.each([
    ['SQLITE_CONSTRAINT_UNIQUE'],
    ['SQLITE_CORRUPT'],
    ['SQLITE_ERROR'],
    ['23505'], // unique_violation: a bug, not an outage
    ['22P02'],
    ['ERR_INVALID_ARG_TYPE'],
  ])('%s is not a storage outage', (code) => {
    expect(classifyStorageError(coded(code))).toBeNull();
  });

  it('ignores non-errors and plain errors', () => {
    expect(classifyStorageError(null)).toBeNull();
    expect(classifyStorageError('SQLITE_FULL')).toBeNull();
    expect(classifyStorageError(new TypeError('x is undefined'))).toBeNull();
  });

  it("knows pg's code-less connection errors", () => {
    expect(classifyStorageError(new Error('Connection terminated unexpectedly'))?.kind).toBe(
      'connection',
    );
    expect(classifyStorageError(new Error('timeout exceeded when trying to connect'))?.kind).toBe(
      'connection',
    );
  });

  it('follows cause chains and aggregate errors, without looping on cycles', () => {
    const inner = coded('SQLITE_FULL');
    expect(classifyStorageError(new Error('wrapped', { cause: inner }))?.kind).toBe('full');
    expect(classifyStorageError(new AggregateError([new Error('a'), coded('EPIPE')]))?.kind).toBe(
      'connection',
    );
    const a: Error & { cause?: unknown } = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(classifyStorageError(a)).toBeNull();
  });

  it('classifies what better-sqlite3 really throws on a full database', () => {
    const db = new Database(join(mkdtempSync(join(tmpdir(), 'netsec-full-')), 'f.db'));
    db.exec('CREATE TABLE t (x TEXT)');
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 1}`);
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    let thrown: unknown = null;
    try {
      for (let i = 0; i < 1000; i++) insert.run('x'.repeat(4000));
    } catch (err) {
      thrown = err;
    }
    db.close();
    expect(classifyStorageError(thrown)?.kind).toBe('full');
  });
});

describe('StorageAvailability', () => {
  it('is unwritable after a failure until a write succeeds', () => {
    let t = 0;
    const a = new StorageAvailability(() => t, 10_000);
    expect(a.state().writable).toBe(true);
    const f = classifyStorageError(coded('SQLITE_FULL'));
    if (!f) throw new Error('unclassified');
    a.failed(f);
    t = 500;
    a.failed(f);
    expect(a.state()).toEqual({ writable: false, failure: f, since: 0 });
    a.succeeded();
    expect(a.state().writable).toBe(true);
  });

  it('lets traffic back in once the last failure is older than the hold time', () => {
    let t = 0;
    const a = new StorageAvailability(() => t, 10_000);
    const f = classifyStorageError(coded('53100'));
    if (!f) throw new Error('unclassified');
    a.failed(f);
    t = 9_999;
    expect(a.state().writable).toBe(false);
    t = 10_000;
    expect(a.state().writable).toBe(true);
  });

  it('StorageUnavailableError keeps the failure and the cause', () => {
    const cause = coded('SQLITE_READONLY');
    const f = classifyStorageError(cause);
    if (!f) throw new Error('unclassified');
    const e = new StorageUnavailableError(f, { cause });
    expect(e.cause).toBe(cause);
    expect(e.message).toContain('read-only');
  });
});
