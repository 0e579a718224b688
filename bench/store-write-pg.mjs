#!/usr/bin/env node
// PostgreSQL store write benchmark (against dist/): writes generated Hubble-like flows (the same
// workload as bench/store-write.mjs) in 1,000-flow batches through openPostgresStore, and
// compares with a bare loop that sends one multi-row INSERT of plain rows per batch into an
// unindexed table, in its own transaction, on the same server. Only the time inside the store
// call / insert loop counts, not flow generation.
//
//   node bench/store-write-pg.mjs [--flows 100000] [--runs 3] [--batch 1000] [--url postgres://…]
//                                 [--fast] [--json]
//
// Without --url it starts a throwaway PostgreSQL (initdb in a temp dir, as the postgres user
// when run as root) with durable commits; --fast turns fsync and synchronous_commit off there.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import pg from 'pg';

import { openPostgresStore } from '../dist/store/postgres/postgres-store.js';
import { batches as flowBatches, cpuMs, now } from './lib/flow-batches.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const FLOWS = Number(arg('flows', 100_000));
const RUNS = Number(arg('runs', 3));
const BATCH = Number(arg('batch', 1_000));
const URL_ARG = arg('url', process.env.NETSEC_BENCH_PG_URL);
const FAST = process.argv.includes('--fast');
const JSON_OUT = process.argv.includes('--json');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A throwaway server; returns { url, stop }. */
async function throwawayServer() {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  if (!version) throw new Error('PostgreSQL not installed; pass --url postgres://…');
  const bin = join(root, version, 'bin');
  const root_ = process.getuid?.() === 0;
  const run = (exe, args) => {
    const [cmd, argv] = root_ ? ['runuser', ['-u', 'postgres', '--', exe, ...args]] : [exe, args];
    const r = spawnSync(cmd, argv, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${exe} failed: ${r.stderr}`);
  };
  const dir = mkdtempSync(join(tmpdir(), 'netsec-pgbench-'));
  if (root_) {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, id('-u'), id('-g'));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  run(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '-A',
    'trust',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  const fast = FAST ? ' -c fsync=off -c synchronous_commit=off' : '';
  run(join(bin, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses='' -c shared_buffers=256MB${fast}`,
    'start',
  ]);
  return {
    url: `postgres://postgres@${encodeURIComponent(dir)}:${port}/postgres`,
    stop: () => {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshDatabase(adminUrl, name) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function runStore(url) {
  const store = await openPostgresStore({ url, poolSize: 2 });
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

const PLAIN_COLS = 17;

async function runBaseline(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`CREATE TABLE plain (time bigint, cluster text, src_ns text, src_pod text,
    src_ip text, dst_ns text, dst_pod text, dst_ip text, protocol text, port integer,
    direction text, verdict text, reason text, flows bigint, packets bigint, bytes bigint,
    source text)`);
  let ms = 0;
  let cpu = 0;
  for (const flows of flowBatches(FLOWS, 7, BATCH)) {
    const t = now();
    const c = process.cpuUsage();
    const values = [];
    const rows = flows.map((f, i) => {
      values.push(
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
      const base = i * PLAIN_COLS;
      return `(${Array.from({ length: PLAIN_COLS }, (_, j) => `$${base + j + 1}`).join(', ')})`;
    });
    await client.query('BEGIN');
    await client.query(`INSERT INTO plain VALUES ${rows.join(', ')}`, values);
    await client.query('COMMIT');
    ms += now() - t;
    cpu += cpuMs(process.cpuUsage(c));
  }
  await client.end();
  return { ms, cpu };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const server = URL_ARG ? { url: URL_ARG, stop: () => undefined } : await throwawayServer();
const storeRates = [];
const baseRates = [];
const storeCpuRates = [];
let last;
try {
  for (let r = 0; r < RUNS; r++) {
    last = await runStore(await freshDatabase(server.url, `netsec_bench_store_${r}`));
    storeRates.push(FLOWS / (last.ms / 1000));
    storeCpuRates.push(FLOWS / (last.cpu / 1000));
    const base = await runBaseline(await freshDatabase(server.url, `netsec_bench_plain_${r}`));
    baseRates.push(FLOWS / (base.ms / 1000));
  }
} finally {
  server.stop();
}
const flowsPerSec = Math.round(median(storeRates));
const baselinePerSec = Math.round(median(baseRates));
const result = {
  flows: FLOWS,
  runs: RUNS,
  batch: BATCH,
  durableCommits: !FAST || Boolean(URL_ARG),
  flowsPerSec,
  baselinePerSec,
  ratio: Number((flowsPerSec / baselinePerSec).toFixed(2)),
  clientCpuFlowsPerSec: Math.round(median(storeCpuRates)),
  rawEvents: last.raw,
  rollup1m: last.stats.rollup1m,
  rollup1h: last.stats.rollup1h,
  dbMb: Number((last.stats.sizeBytes / 1e6).toFixed(1)),
};
if (JSON_OUT) console.log(JSON.stringify(result));
else {
  const fmt = (n) => n.toLocaleString('en-US');
  const mode = URL_ARG ? 'given server' : FAST ? 'fsync off' : 'durable commits';
  console.log(
    `store.writeBatch     ${fmt(flowsPerSec).padStart(10)} flows/s  (median of ${RUNS}, ${mode})`,
  );
  console.log(`bare multi-row INSERT ${fmt(baselinePerSec).padStart(9)} rows/s`);
  console.log(`ratio                ${result.ratio}`);
  console.log(`client CPU           ${fmt(result.clientCpuFlowsPerSec)} flows per CPU second`);
  console.log(
    `raw events ${fmt(result.rawEvents)}, rollup_1m ${fmt(result.rollup1m)}, rollup_1h ${fmt(result.rollup1h)}, database ${result.dbMb} MB`,
  );
}
