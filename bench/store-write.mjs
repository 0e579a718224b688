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

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const FLOWS = Number(arg('flows', 1_000_000));
const RUNS = Number(arg('runs', 3));
const SYNC = arg('sync', 'FULL');
const BATCH = Number(arg('batch', 1_000));
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

// CPU time (user + system) is less disturbed than wall time on a busy shared machine.
const cpuMs = (u) => (u.user + u.system) / 1000;
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function runStore(dir) {
  const store = openSqliteStore({ path: join(dir, 'store.db'), synchronous: SYNC });
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
  for (const flows of batches(FLOWS, 7)) {
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
