/**
 * Disk full and read-only database (issue #10): ingest answers 503 with Retry-After (never
 * 500), reads keep working, /readyz reports it, the server recovers by itself once space
 * returns, and nothing accepted before is lost or corrupted. A collector keeps its batches
 * buffered while the centre answers 503 and delivers them, once each, afterwards.
 *
 * Real mechanism when the test runs as root and may mount: an ext4 image, loop-mounted, filled
 * to ENOSPC; read-only by `chattr +i` on the database and its WAL. Otherwise SQLite's own
 * limits stand in: `max_page_count` (SQLITE_FULL) and `query_only` (SQLITE_READONLY).
 */
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Collector } from '../../src/services/collector.js';
import type { Source, SourceHealthSnapshot, SourceSink } from '../../src/sources/source.js';
import { SqliteFlowStore } from '../../src/store/sqlite/sqlite-store.js';
import { buildTestApp, type TestApp } from '../../src/testing/auth-app.js';
import { testSession } from '../../src/testing/auth-session.js';
import { mountSmallFs, type SmallFs } from '../../src/testing/limited-fs.js';
import { markedBatch, readStoredBatches } from '../../src/testing/marked-batches.js';

const N = 20; // flows per batch
const T = Date.now() - 3_600_000;

/** Mounted in beforeAll (so a filtered-out run mounts nothing); null: SQLite limits instead. */
let real: SmallFs | null = null;

describe('disk full and read-only store (ext4 loop mount, else SQLite limits)', () => {
  let t: TestApp;
  let token = '';
  let dbPath = '';
  let cookie = '';
  let readToken = '';

  const sqlite = (): SqliteFlowStore => {
    if (!(t.services.store instanceof SqliteFlowStore)) throw new Error('expected SQLite');
    return t.services.store;
  };

  async function ingest(
    name: string,
  ): Promise<{ status: number; body: Record<string, unknown>; retryAfter: unknown }> {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ingest?format=native',
      headers: {
        authorization: `Bearer ${token}`,
        'idempotency-key': name,
        'content-type': 'application/x-ndjson',
      },
      payload: markedBatch(name, N, T),
    });
    return { status: res.statusCode, body: res.json(), retryAfter: res.headers['retry-after'] };
  }

  async function readyStatus(): Promise<number> {
    return (await t.app.inject('/readyz')).statusCode;
  }

  async function readFlows(): Promise<number> {
    const res = await t.app.inject({ url: '/api/v1/flows?limit=1000', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    return (res.json() as { flows: unknown[] }).flows.length;
  }

  /** Makes the store unable to write; returns the undo. */
  function makeFull(): () => void {
    if (real) {
      const fs = real;
      fs.fill();
      return () => fs.free();
    }
    const db = sqlite().db;
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages}`);
    return () => void db.pragma('max_page_count = 1073741823');
  }

  function makeReadOnly(): () => void {
    if (real) {
      // Checkpoint first so the WAL holds nothing a reader would need to write back.
      sqlite().db.pragma('wal_checkpoint(TRUNCATE)');
      const fs = real;
      fs.freeze([dbPath, `${dbPath}-wal`]);
      return () => fs.thaw();
    }
    sqlite().db.pragma('query_only = 1');
    return () => void sqlite().db.pragma('query_only = 0');
  }

  beforeAll(async () => {
    // NETSEC_TEST_NO_MOUNT=1 runs the fallback even as root (to test it).
    const fs =
      process.env.NETSEC_TEST_NO_MOUNT === '1'
        ? { unavailable: 'NETSEC_TEST_NO_MOUNT=1' }
        : mountSmallFs(24);
    real = 'unavailable' in fs ? null : fs;
    console.log(
      'unavailable' in fs
        ? `disk-full test: SQLite limits (max_page_count, query_only), because ${fs.unavailable}`
        : `disk-full test: ext4 loop mount at ${fs.dir} (ENOSPC, chattr +i)`,
    );
    t = await buildTestApp({
      tune: (c) => {
        if (real) c.store.path = join(real.dir, 'netsec.db');
      },
    });
    dbPath = t.config.store.path;
    token = (await t.services.tokens.create('collector', null)).token;
    cookie = (await testSession(t.services.auth, 'admin')).cookie;
    readToken = (await t.services.tokens.create('reader', null, { kind: 'read' })).token;
  });
  afterAll(async () => {
    await t?.close();
    real?.dispose();
  });

  it('answers 503 with Retry-After while the disk is full, keeps reads, recovers by itself', async () => {
    expect((await ingest('rel-before-full')).status).toBe(200);
    expect(await readyStatus()).toBe(200);
    const undo = makeFull();
    try {
      for (const attempt of [1, 2, 3]) {
        const r = await ingest('rel-during-full');
        expect(r.status, `attempt ${attempt}: ${JSON.stringify(r.body)}`).toBe(503);
        expect(r.body['error']).toBe('store_unavailable');
        expect(Number(r.retryAfter)).toBeGreaterThan(0);
      }
      expect(await readyStatus()).toBe(503);
      expect(await readFlows()).toBe(N);
      // A read token's check records its last use (a write); reads must still work.
      const byToken = await t.app.inject({
        url: '/api/v1/flows?limit=10',
        headers: { authorization: `Bearer ${readToken}` },
      });
      expect(byToken.statusCode, byToken.body.slice(0, 200)).toBe(200);
    } finally {
      undo();
    }
    // Space is back: the same batch, sent again, goes in; readiness follows, no restart.
    const again = await ingest('rel-during-full');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body['stored']).toBe(N);
    expect(await readyStatus()).toBe(200);
    expect(await readFlows()).toBe(2 * N);
  });

  it('answers 503 with Retry-After while the database is read-only, recovers by itself', async () => {
    const undo = makeReadOnly();
    try {
      const r = await ingest('rel-during-ro');
      expect(r.status, JSON.stringify(r.body)).toBe(503);
      expect(r.body['error']).toBe('store_unavailable');
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
      expect(await readyStatus()).toBe(503);
      expect(await readFlows()).toBe(2 * N);
      const byToken = await t.app.inject({
        url: '/api/v1/flows?limit=10',
        headers: { authorization: `Bearer ${readToken}` },
      });
      expect(byToken.statusCode, byToken.body.slice(0, 200)).toBe(200);
    } finally {
      undo();
    }
    const again = await ingest('rel-during-ro');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(await readyStatus()).toBe(200);
  });

  it('a collector buffers while the centre answers 503 and delivers exactly once afterwards', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const lines = (name: string): string[] => markedBatch(name, N, T).trimEnd().split('\n');
    let sink: SourceSink | null = null;
    const source: Source = {
      name: 'test',
      kind: 'file',
      start: async (s, signal) => {
        sink = s;
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      },
      health: () => ({ name: 'test', kind: 'file', state: 'connected' }) as SourceHealthSnapshot,
    };
    const collector = new Collector({
      sources: [source],
      to: `${address}/api/v1/ingest`,
      token,
      bufferDir: join(t.dir, 'collector'),
      backoff: { initialMs: 50, maxMs: 200 },
    });
    const stop = new AbortController();
    const running = collector.run(stop.signal);
    const undo = makeFull();
    let undone = false;
    try {
      await until(() => sink !== null);
      for (const name of ['rel-c1', 'rel-c2', 'rel-c3']) {
        await sink!.write({ format: 'native', lines: lines(name), newestDataAt: T, key: name });
      }
      await until(() => collector.health().forwardErrors >= 3);
      const h = collector.health();
      expect(h.buffer.batches).toBe(3);
      expect(h.forwardedBatches).toBe(0);
      expect(h.rejectedBatches).toBe(0);
      expect(h.lastError).toContain('503');
      undo();
      undone = true;
      await until(() => collector.health().buffer.batches === 0, 20_000);
      expect(collector.health().forwardedBatches).toBe(3);
    } finally {
      if (!undone) undo();
      stop.abort();
      await running;
    }
    const s = readStoredBatches(dbPath);
    for (const name of [
      'rel-before-full',
      'rel-during-full',
      'rel-during-ro',
      'rel-c1',
      'rel-c2',
      'rel-c3',
    ]) {
      expect(s.rows.get(name), name).toBe(N);
    }
    expect(s.rollupFlows).toBe(6 * N);
    expect(s.integrity).toBe('ok');
  });
});

async function until(pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
