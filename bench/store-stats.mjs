#!/usr/bin/env node
// What a `/metrics` scrape or a `/readyz` probe costs the store, by its size (against dist/).
// Both once read `store.stats()`, which counts every row of every tier (three times a scrape,
// once per gauge); they now read `store.extent()`: index ends and the size on disk.
//
// In one run: writes --flows generated flows through the store (1,000-flow batches), grows
// the raw-event table to at least --raw rows by copying its rows (SQL, no JavaScript per row),
// then times `stats()` and `extent()` alternately, --runs rounds, and prints the medians and
// their ratio. On SQLite both run on the server's main thread, so the time is also how long
// the event loop is blocked.
//
//   node bench/store-stats.mjs [--flows 1000000] [--raw 4000000] [--runs 7] [--json]
//   node bench/store-stats.mjs --pg-url postgres://user:pw@127.0.0.1/empty_db   # PostgreSQL
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { openPostgresStore } from '../dist/store/postgres/postgres-store.js';
import { openSqliteStore } from '../dist/store/sqlite/sqlite-store.js';
import { flag, median } from './lib/args.mjs';
import { batches as flowBatches, now } from './lib/flow-batches.mjs';
import { growPostgresRawEvents, growSqliteRawEvents } from './lib/raw-copies.mjs';

const FLOWS = Number(flag('flows', 1_000_000));
const RAW = Number(flag('raw', 4_000_000));
const RUNS = Number(flag('runs', 7));
const PG_URL = flag('pg-url', null);
const JSON_OUT = process.argv.includes('--json');
const log = (m) => process.stderr.write(`${m}\n`);
const fmt = (n) => Math.round(n).toLocaleString('en-US');

const dir = mkdtempSync(join(tmpdir(), 'netsec-bench-stats-'));
let store;
let grow;
try {
  if (PG_URL) {
    store = await openPostgresStore({ url: PG_URL });
    grow = () => growPostgresRawEvents(PG_URL, RAW, log);
  } else {
    const path = join(dir, 'stats.db');
    store = openSqliteStore({ path });
    grow = () => growSqliteRawEvents(path, RAW, log);
  }
  await store.migrate();

  log(`writing ${fmt(FLOWS)} flows …`);
  let b = 0;
  for (const flows of flowBatches(FLOWS, 7, 1_000)) {
    await store.writeBatch({ id: `b${b++}`, flows, source: 'hubble', receivedAt: 0 });
  }
  const rawEvents = await grow();

  const statsMs = [];
  const extentMs = [];
  let stats;
  let extent;
  for (let r = 0; r < RUNS; r++) {
    let t = now();
    stats = await store.stats();
    statsMs.push(now() - t);
    t = now();
    extent = await store.extent();
    extentMs.push(now() - t);
  }
  if (stats.oldest !== extent.oldest || stats.newest !== extent.newest) {
    throw new Error(`stats and extent disagree: ${JSON.stringify({ stats, extent })}`);
  }
  const result = {
    store: PG_URL ? 'postgresql' : 'sqlite',
    flows: FLOWS,
    rawEvents,
    rollup1m: stats.rollup1m,
    rollup1h: stats.rollup1h,
    dbMb: Number((stats.sizeBytes / 1e6).toFixed(1)),
    runs: RUNS,
    statsMs: Number(median(statsMs).toFixed(2)),
    extentMs: Number(median(extentMs).toFixed(2)),
    ratio: Number((median(extentMs) / median(statsMs)).toFixed(4)),
  };
  if (JSON_OUT) console.log(JSON.stringify(result));
  else {
    console.log(
      `${result.store}: ${fmt(rawEvents)} raw events, ${fmt(stats.rollup1m)} 1-minute rows, ` +
        `${fmt(stats.rollup1h)} hourly rows, ${result.dbMb} MB`,
    );
    console.log(`stats()  (counts every row)  median ${result.statsMs} ms  (${RUNS} rounds)`);
    console.log(`extent() (index ends, size)  median ${result.extentMs} ms`);
    console.log(`ratio extent / stats         ${result.ratio}`);
    console.log(
      `a /metrics scrape: before 3 × stats() ≈ ${fmt(3 * result.statsMs)} ms, now 1 × extent()`,
    );
  }
} finally {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
}
