#!/usr/bin/env node
// Store write benchmark (against dist/): writes generated Hubble-like flows in 1,000-flow
// batches through openSqliteStore, and compares with a bare better-sqlite3 loop inserting one
// plain row per flow into an unindexed table, with the same pragmas and batch transactions.
// Only the time spent inside the store / insert loop is measured, not flow generation.
//
//   node bench/store-write.mjs [--flows 1000000] [--runs 3] [--sync FULL|NORMAL] [--json]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Database from 'better-sqlite3';

import { openSqliteStore } from '../dist/store/sqlite/sqlite-store.js';
import { batches as flowBatches, cpuMs, now } from './lib/flow-batches.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const FLOWS = Number(arg('flows', 1_000_000));
const RUNS = Number(arg('runs', 3));
const SYNC = arg('sync', 'FULL');
const BATCH = Number(arg('batch', 1_000));
const JSON_OUT = process.argv.includes('--json');

async function runStore(dir) {
  const store = openSqliteStore({ path: join(dir, 'store.db'), synchronous: SYNC });
  let ms = 0;
  let cpu = 0;
  let raw = 0;
  let b = 0;
  for (const flows of flowBatches(FLOWS, 7, BATCH)) {
    const t = now();
    const c = process.cpuUsage();
    const r = await store.writeBatch({ id: `b${b++}`, flows, source: 'hubble', receivedAt: 0 });
    ms += now() - t;
    cpu += cpuMs(process.cpuUsage(c));
    raw += r.rawEvents;
  }
  const stats = await store.stats();
  await store.close();
  return { ms, cpu, raw, stats };
}

function runBaseline(dir) {
  const db = new Database(join(dir, 'plain.db'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${SYNC}`);
  db.exec(`CREATE TABLE plain (time INTEGER, cluster TEXT, src_ns TEXT, src_pod TEXT, src_ip TEXT,
    dst_ns TEXT, dst_pod TEXT, dst_ip TEXT, protocol TEXT, port INTEGER, direction TEXT,
    verdict TEXT, reason TEXT, flows INTEGER, packets INTEGER, bytes INTEGER, source TEXT)`);
  const ins = db.prepare(
    'INSERT INTO plain VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const tx = db.transaction((flows) => {
    for (const f of flows) {
      ins.run(
        f.time,
        f.cluster,
        f.src.namespace,
        f.src.pod,
        f.src.ip,
        f.dst.namespace,
        f.dst.pod,
        f.dst.ip,
        f.protocol,
        f.port,
        f.direction,
        f.verdict,
        f.reason,
        f.flows,
        f.packets,
        f.bytes,
        f.source,
      );
    }
  });
  let ms = 0;
  let cpu = 0;
  for (const flows of flowBatches(FLOWS, 7, BATCH)) {
    const t = now();
    const c = process.cpuUsage();
    tx(flows);
    ms += now() - t;
    cpu += cpuMs(process.cpuUsage(c));
  }
  db.close();
  return { ms, cpu };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const storeRates = [];
const baseRates = [];
const storeCpuRates = [];
const baseCpuRates = [];
let last;
for (let r = 0; r < RUNS; r++) {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-bench-'));
  try {
    last = await runStore(dir);
    storeRates.push(FLOWS / (last.ms / 1000));
    storeCpuRates.push(FLOWS / (last.cpu / 1000));
    const base = runBaseline(dir);
    baseRates.push(FLOWS / (base.ms / 1000));
    baseCpuRates.push(FLOWS / (base.cpu / 1000));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const flowsPerSec = Math.round(median(storeRates));
const baselinePerSec = Math.round(median(baseRates));
const result = {
  flows: FLOWS,
  runs: RUNS,
  synchronous: SYNC,
  flowsPerSec,
  baselinePerSec,
  ratio: Number((flowsPerSec / baselinePerSec).toFixed(2)),
  cpuFlowsPerSec: Math.round(median(storeCpuRates)),
  cpuBaselinePerSec: Math.round(median(baseCpuRates)),
  cpuRatio: Number((median(storeCpuRates) / median(baseCpuRates)).toFixed(2)),
  rawEvents: last.raw,
  rollup1m: last.stats.rollup1m,
  rollup1h: last.stats.rollup1h,
  dbMb: Number((last.stats.sizeBytes / 1e6).toFixed(1)),
};
if (!JSON_OUT) {
  const fmt = (n) => n.toLocaleString('en-US');
  console.log(
    `store.writeBatch   ${fmt(flowsPerSec).padStart(10)} flows/s  (median of ${RUNS}, sync ${SYNC})`,
  );
  console.log(`bare insert loop   ${fmt(baselinePerSec).padStart(10)} rows/s`);
  console.log(`ratio              ${result.ratio}`);
  console.log(
    `per CPU second     ${fmt(result.cpuFlowsPerSec)} flows/s vs ${fmt(result.cpuBaselinePerSec)} rows/s, ratio ${result.cpuRatio}`,
  );
  console.log(
    `raw events ${fmt(result.rawEvents)}, rollup_1m ${fmt(result.rollup1m)}, rollup_1h ${fmt(result.rollup1h)}, ${result.dbMb} MB`,
  );
}
console.log(JSON.stringify(result));
