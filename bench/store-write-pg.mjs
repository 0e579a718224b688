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

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// 40 namespaces x 10 deployments x 5 pods = 2,000 pods. Each workload talks to 4 fixed peers;
// denied traffic hits random workloads (misconfiguration, scanning); 8% goes to external IPs.
function cluster(rnd) {
  const pods = [];
  const workloads = [];
  for (let n = 0; n < 40; n++) {
    const ns = `team-${String(n).padStart(2, '0')}`;
    for (let w = 0; w < 10; w++) {
      const name = `svc-${w}`;
      const port = [80, 443, 8080, 5432, 6379, 9090][(n + w) % 6];
      const wl = { ns, name, port, pods: [] };
      for (let p = 0; p < 5; p++) {
        const pod = `${name}-6d9f7b8c4-${(n * 50 + w * 5 + p).toString(36).padStart(5, 'q')}`;
        const ep = {
          kind: 'pod',
          namespace: ns,
          pod,
          workload: { kind: 'Deployment', name },
          labels: { 'k8s:app': name, 'k8s:io.kubernetes.pod.namespace': ns, 'k8s:team': ns },
          ip: `10.${n}.${w}.${p + 10}`,
          dnsNames: [],
          externalGroup: null,
        };
        wl.pods.push(ep);
        pods.push(ep);
      }
      workloads.push(wl);
    }
  }
  for (const wl of workloads) {
    wl.peers = Array.from({ length: 4 }, () => workloads[Math.floor(rnd() * workloads.length)]);
  }
  const externals = Array.from({ length: 200 }, (_, i) => ({
    kind: 'external',
    namespace: null,
    pod: null,
    workload: null,
    labels: { 'reserved:world': '' },
    ip: `${(i % 3) + 198}.51.${i % 250}.${(i * 7) % 250}`,
    dnsNames: i % 4 === 0 ? [`api${i}.example.com`] : [],
    externalGroup: 'world',
  }));
  return { workloads, externals };
}

function* batches(total, seed) {
  const rnd = rng(seed);
  const { workloads, externals } = cluster(rnd);
  const start = Date.UTC(2025, 0, 15, 12);
  const pick = (a) => a[Math.floor(rnd() * a.length)];
  const offenders = Array.from({ length: 40 }, () => pick(workloads));
  for (let b = 0; b * BATCH < total; b++) {
    const flows = [];
    for (let i = 0; i < BATCH && b * BATCH + i < total; i++) {
      const n = b * BATCH + i;
      const denied = rnd() < 0.1;
      // Denials cluster: a few misconfigured clients retry against a few targets, and one
      // scanner in ten sweeps random workloads.
      const srcWl = denied ? pick(offenders) : pick(workloads);
      const ext = rnd() < 0.08;
      const dstWl = denied
        ? rnd() < 0.1
          ? pick(workloads)
          : pick(srcWl.peers)
        : pick(srcWl.peers);
      const dst = ext ? pick(externals) : pick(dstWl.pods);
      const udp = !ext && dstWl.port === 6379 && rnd() < 0.2;
      const direction = ext || rnd() < 0.5 ? 'egress' : 'ingress';
      const polNs = direction === 'egress' ? srcWl.ns : dstWl.ns;
      flows.push({
        time: start + Math.floor(n * 0.6),
        cluster: 'prod-eu1',
        src: pick(srcWl.pods),
        dst,
        protocol: udp ? 'UDP' : 'TCP',
        port: ext ? 443 : udp ? 53 : dstWl.port,
        direction,
        verdict: denied ? 'denied' : 'allowed',
        reason: denied ? 'policy-denied' : 'allowed-by-policy',
        dropReason: denied ? 'POLICY_DENIED' : null,
        policies: [
          {
            kind: 'CiliumNetworkPolicy',
            namespace: polNs,
            name: denied ? 'default-deny' : `allow-${dstWl.name}`,
            rule: null,
            action: denied ? 'deny' : 'allow',
            staged: false,
            tier: null,
          },
        ],
        flows: 1,
        packets: null,
        bytes: null,
        bytesToDst: null,
        bytesToSrc: null,
        source: 'hubble',
        node: `worker-${n % 6}`,
        durationMs: 0,
      });
    }
    yield flows;
  }
}

// CPU time (user + system) of this process: the client side only; the server's CPU is not in it.
const cpuMs = (u) => (u.user + u.system) / 1000;
const now = () => Number(process.hrtime.bigint()) / 1e6;

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
  for (const flows of batches(FLOWS, 7)) {
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
  for (const flows of batches(FLOWS, 7)) {
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
