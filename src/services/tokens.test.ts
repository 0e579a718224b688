import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { hashToken, TOKEN_CACHE_MS, TokenService } from './tokens.js';

describe('TokenService on a real SQLite store', () => {
  const store = openSqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'netsec-tok-')), 't.db') });
  let now = 1_700_000_000_000;
  const tokens = new TokenService(store, () => now);
  beforeAll(() => store.migrate());
  afterAll(() => store.close());

  it('stores only the hash and verifies the bearer header', async () => {
    const { token, record } = await tokens.create('collector', 'prod');
    const listed = await tokens.list();
    expect(JSON.stringify(listed)).not.toContain(token);
    expect(await store.findIngestToken(hashToken(token), now)).toMatchObject({ id: record.id });
    expect(await tokens.verifyBearer(`Bearer ${token}`)).toMatchObject({
      id: record.id,
      cluster: 'prod',
    });
    expect(await tokens.verifyBearer(`Basic ${token}`)).toBeNull();
    expect(await tokens.verifyBearer('Bearer nsi_other')).toBeNull();
    expect(await tokens.verifyBearer(undefined)).toBeNull();
  });

  it('revokes at once through the service, and within the cache time through the store', async () => {
    const a = await tokens.create('a', null);
    expect(await tokens.verifyBearer(`Bearer ${a.token}`)).not.toBeNull();
    expect(await tokens.revoke(a.record.id)).toBe(true);
    expect(await tokens.verifyBearer(`Bearer ${a.token}`)).toBeNull();

    const b = await tokens.create('b', null);
    expect(await tokens.verifyBearer(`Bearer ${b.token}`)).not.toBeNull();
    await store.revokeIngestToken(b.record.id, now);
    now += TOKEN_CACHE_MS + 1;
    expect(await tokens.verifyBearer(`Bearer ${b.token}`)).toBeNull();
  });
});
