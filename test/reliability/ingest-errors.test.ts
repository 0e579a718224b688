/**
 * How `POST /api/v1/ingest` answers each kind of commit failure: a storage failure of any backend
 * is 503 with its Retry-After and takes readiness down until a write succeeds; anything else is
 * a 500 (retrying it later would not help).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BatchResult, IngestBatch } from '../../src/store/flow-store.js';
import { buildTestApp, type TestApp } from '../../src/testing/auth-app.js';
import { markedBatch } from '../../src/testing/marked-batches.js';

describe('ingest answers to commit failures', () => {
  let t: TestApp;
  let token = '';
  let failWith: unknown = null;

  beforeAll(async () => {
    t = await buildTestApp();
    token = (await t.services.tokens.create('c', null)).token;
    const store = t.services.store;
    const write = store.writeBatches?.bind(store);
    if (!write) throw new Error('store without writeBatches');
    store.writeBatches = async (batches: readonly IngestBatch[]): Promise<BatchResult[]> => {
      if (failWith !== null) throw failWith;
      return write(batches);
    };
  });
  afterAll(async () => t?.close());

  const post = (key: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest?format=native',
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
      payload: markedBatch(`rel-${key}`, 3, Date.now() - 60_000),
    });
  const coded = (code: string, message = 'boom'): Error =>
    Object.assign(new Error(message), { code });

  it.each([
    ['SQLITE_BUSY', 'busy', '1'],
    ['SQLITE_FULL', 'full', '10'],
    ['SQLITE_READONLY', 'read-only', '10'],
    ['SQLITE_IOERR_FSYNC', 'io', '10'],
    ['53100', 'full', '10'],
    ['25006', 'read-only', '10'],
    ['08006', 'connection', '5'],
    ['ECONNREFUSED', 'connection', '5'],
  ])(
    '%s → 503 %s, Retry-After %s s, not ready until a write succeeds',
    async (code, kind, after) => {
      failWith = coded(code);
      const res = await post(`k-${code}`);
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe(after);
      expect(res.json()).toMatchObject({ error: 'store_unavailable', reason: kind });
      const notReady = await t.app.inject('/readyz');
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json()).toEqual({ status: `store cannot write (${kind})` });
      failWith = null;
      const ok = await post(`k-${code}`);
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ stored: 3, duplicate: false });
      expect((await t.app.inject('/readyz')).statusCode).toBe(200);
    },
  );

  it('a failure that is not the storage is a 500, and readiness stays up', async () => {
    failWith = new TypeError("Cannot read properties of undefined (reading 'x')");
    const res = await post('k-bug');
    expect(res.statusCode).toBe(500);
    expect(res.headers['retry-after']).toBeUndefined();
    expect(res.json()).toMatchObject({ error: 'internal' });
    expect((await t.app.inject('/readyz')).statusCode).toBe(200);
    failWith = coded('SQLITE_CONSTRAINT_UNIQUE');
    expect((await post('k-constraint')).statusCode).toBe(500);
    failWith = null;
  });
});
