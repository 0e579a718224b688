/**
 * PostgreSQL that cannot write (issue #10): a database switched to read-only (SQLSTATE 25006)
 * and connections terminated under the store (57P01, then reconnects). The ingest service
 * turns both into `StorageUnavailableError` (503 with Retry-After over HTTP, see
 * disk-full.test.ts), reports the store unwritable, keeps reads working, and recovers by itself
 * once the database accepts writes again; nothing is written twice.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { createParser } from '../../src/formats/registry.js';
import { IngestService, StorageUnavailableError } from '../../src/services/ingest.js';
import {
  openPostgresStore,
  type PostgresFlowStore,
} from '../../src/store/postgres/postgres-store.js';
import { markedBatch } from '../../src/testing/marked-batches.js';
import { describePostgres } from '../../src/testing/postgres-server.js';

const N = 10;
const T = Date.now() - 3_600_000;

describePostgres('PostgreSQL read-only and lost connections', (server) => {
  let url = '';
  let store: PostgresFlowStore;
  let ingest: IngestService;
  let admin: pg.Client;

  beforeAll(async () => {
    url = await server().createDatabase();
    store = await openPostgresStore({ url, poolSize: 2 });
    ingest = new IngestService({ store, createParser });
    admin = new pg.Client({ connectionString: server().adminUrl });
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    await admin?.end();
    await store?.close();
  });

  const dbName = (): string => decodeURIComponent(new URL(url).pathname.slice(1));
  const send = (name: string): Promise<unknown> =>
    ingest.ingestLines([markedBatch(name, N, T).trimEnd().split('\n')], {
      format: 'native',
      cluster: 'rel',
      idempotencyKey: name,
    });
  /** Drops the store's sessions: their next query fails, the pool then connects afresh. */
  const terminate = (): Promise<unknown> =>
    admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [dbName()],
    );
  /** Sends until the store answers; returns the failures met on the way. */
  async function sendUntil(name: string, ok: boolean, tries = 6): Promise<string[]> {
    const kinds: string[] = [];
    for (let i = 0; i < tries; i++) {
      try {
        await send(name);
        if (ok) return kinds;
        kinds.push('ok');
      } catch (err) {
        if (!(err instanceof StorageUnavailableError)) throw err;
        kinds.push(err.failure.kind);
        if (!ok && err.failure.kind === 'read-only') return kinds;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return kinds;
  }

  async function rows(name: string): Promise<number> {
    const page = await store.queryFlows({ pod: name }, { limit: 1000 });
    return page.flows.length;
  }

  it('a lost connection is a storage failure, and the next write reconnects', async () => {
    await send('rel-pg-a');
    await terminate();
    const kinds = await sendUntil('rel-pg-b', true);
    // pg may notice the dead socket before or during the query: 57P01 or "Connection terminated".
    for (const k of kinds) expect(k).toBe('connection');
    expect(ingest.storage.state().writable).toBe(true);
    expect(await rows('rel-pg-a')).toBe(N);
    expect(await rows('rel-pg-b')).toBe(N);
  });

  it('a read-only database answers 25006: unwritable, reads work, recovery without restart', async () => {
    await admin.query(`ALTER DATABASE "${dbName()}" SET default_transaction_read_only = on`);
    await terminate();
    const kinds = await sendUntil('rel-pg-c', false);
    expect(kinds[kinds.length - 1]).toBe('read-only');
    expect(ingest.storage.state()).toMatchObject({ writable: false, failure: { code: '25006' } });
    expect(await rows('rel-pg-a')).toBe(N);

    await admin.query(`ALTER DATABASE "${dbName()}" RESET default_transaction_read_only`);
    await terminate();
    await sendUntil('rel-pg-c', true);
    expect(ingest.storage.state().writable).toBe(true);
    expect(await rows('rel-pg-c')).toBe(N);
    // Sent again: counted once.
    await send('rel-pg-c');
    expect(await rows('rel-pg-c')).toBe(N);
  });
});
