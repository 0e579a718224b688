// Ingest benchmark (`npm run bench:ingest`, after a build). In one run it:
//   1. generates a Hubble JSON-lines file (default 1,000,000 lines: 40 namespaces, 2,000 pods,
//      ~10% denied, both directions, replies included) in a temp dir;
//   2. times a bare JSON.parse loop over the same lines (the baseline);
//   3. runs `./bin/netsec import --format hubble --json` into a fresh SQLite file, reading its
//      rate and sampling the process's peak RSS (VmHWM in /proc/<pid>/status);
//   4. starts `./bin/netsec serve` on a free port and posts 1,000-line batches from 4
//      concurrent clients to POST /api/v1/ingest.
// Flags: --lines N, --http-lines N (default min(lines, 200000)), --json, --keep, --cpu-prof.
// `ratio` = import records per CPU second ÷ JSON.parse lines per CPU second (per input line, so
// like for like; CPU time because wall-clock phases on a shared machine are not comparable).
// `flowsPerSec` is the import's own wall-clock rate; the table shows the wall-clock ratio too.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const { fetch } = globalThis;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'netsec');
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const num = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const LINES = num('--lines', 1_000_000);
const HTTP_LINES = num('--http-lines', Math.min(LINES, 200_000));
const JSON_OUT = flag('--json');
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

// ---------------------------------------------------------------- data generation
let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
const pick = (a) => a[Math.floor(rand() * a.length)];
const APPS = ['web', 'api', 'auth', 'cart', 'db', 'cache', 'queue', 'worker', 'search', 'mail'];
const PORTS = {
  web: 8080,
  api: 8443,
  auth: 9000,
  cart: 7070,
  db: 5432,
  cache: 6379,
  queue: 5672,
  worker: 8081,
  search: 9200,
  mail: 25,
};
const NAMESPACES = Array.from({ length: 40 }, (_, i) => `team-${String(i).padStart(2, '0')}`);
const PODS = [];
for (const ns of NAMESPACES) {
  for (let i = 0; i < 50; i++) {
    const app = APPS[i % APPS.length];
    const hash = Math.floor(rand() * 0xfffffff).toString(36);
    const pod = `${app}-${hash}-${i.toString(36).padStart(5, 'x')}`;
    const ip = `10.${NAMESPACES.indexOf(ns)}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
    const identity = 10000 + PODS.length;
    const labels = [
      `k8s:app=${app}`,
      `k8s:app.kubernetes.io/part-of=${ns}`,
      `k8s:io.cilium.k8s.policy.cluster=bench`,
      `k8s:io.cilium.k8s.policy.serviceaccount=${app}`,
      `k8s:io.kubernetes.pod.namespace=${ns}`,
    ];
    PODS.push({
      ns,
      app,
      ip,
      json: JSON.stringify({
        ID: 1000 + PODS.length,
        identity,
        cluster_name: 'bench',
        namespace: ns,
        labels,
        pod_name: pod,
        workloads: [{ name: app, kind: 'Deployment' }],
      }),
    });
  }
}
const WORLD = {
  ip: '203.0.113.10',
  json: JSON.stringify({ identity: 2, labels: ['reserved:world'] }),
};

function hubbleLine(t) {
  const src = pick(PODS);
  const external = rand() < 0.03;
  const dst = external
    ? WORLD
    : rand() < 0.7
      ? PODS[Math.floor(rand() * 50) + NAMESPACES.indexOf(src.ns) * 50]
      : pick(PODS);
  const denied = rand() < 0.1;
  const reply = !denied && rand() < 0.08;
  const ingress = rand() < 0.5;
  const port = external ? 443 : PORTS[dst.app];
  const time = new Date(t).toISOString().replace('Z', '123456Z');
  const [a, b] = reply ? [dst, src] : [src, dst];
  const l4 = reply
    ? `{"TCP":{"source_port":${port},"destination_port":${30000 + Math.floor(rand() * 30000)},"flags":{"ACK":true}}}`
    : `{"TCP":{"source_port":${30000 + Math.floor(rand() * 30000)},"destination_port":${port},"flags":{"SYN":true}}}`;
  const policy = `[{"name":"allow-${dst.app ?? 'egress'}","namespace":"${ingress ? (dst.ns ?? src.ns) : src.ns}","labels":["k8s:io.cilium.k8s.policy.derived-from=NetworkPolicy"],"revision":"3","kind":"NetworkPolicy"}]`;
  const verdict = denied
    ? `"verdict":"DROPPED","drop_reason":133,"drop_reason_desc":"POLICY_DENIED","event_type":{"type":1,"sub_type":133}`
    : `"verdict":"FORWARDED","event_type":{"type":5},"policy_match_type":2,"${ingress ? 'ingress' : 'egress'}_allowed_by":${policy}`;
  const node = `bench/worker-${Math.floor(rand() * 8)}`;
  return `{"flow":{"time":"${time}","uuid":"${Math.floor(rand() * 1e15).toString(16)}-bench",${verdict},"ethernet":{"source":"aa:bb:cc:dd:ee:01","destination":"aa:bb:cc:dd:ee:02"},"IP":{"source":"${a.ip}","destination":"${b.ip}","ipVersion":"IPv4"},"l4":${l4},"source":${a.json},"destination":${b.json},"Type":"L3_L4","node_name":"${node}","traffic_direction":"${ingress ? 'INGRESS' : 'EGRESS'}","is_reply":${reply},"trace_observation_point":"TO_ENDPOINT","Summary":"TCP Flags: ${reply ? 'ACK' : 'SYN'}"},"node_name":"${node}","time":"${time}"}\n`;
}

async function generate(path, lines) {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const start = Date.now() - 3_600_000;
  const step = 3_600_000 / lines;
  let buf = '';
  for (let i = 0; i < lines; i++) {
    buf += hubbleLine(start + i * step);
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise((r) => out.on('finish', r));
}

// ---------------------------------------------------------------- measurements
async function forEachLine(path, fn) {
  let rest = '';
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop();
    for (const l of parts) fn(l);
  }
  if (rest) fn(rest);
}

async function jsonParseBaseline(path) {
  let n = 0;
  let sink = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await forEachLine(path, (l) => {
    if (l === '') return;
    const o = JSON.parse(l);
    if (o.flow) sink++;
    n++;
  });
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSecs = (cpu.user + cpu.system) / 1e6;
  return { lines: n, secs, perSec: n / secs, cpuSecs, perCpuSec: n / cpuSecs, sink };
}

// Samples the child's peak RSS (VmHWM) and CPU time (utime + stime, in clock ticks of 10 ms)
// from /proc while it runs; the last sample before exit is at most 50 ms old.
function procSampler(pid) {
  let peakKb = 0;
  let cpuTicks = 0;
  const read = () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpuTicks = Math.max(cpuTicks, Number(f[11]) + Number(f[12]));
    } catch {
      /* the process has exited */
    }
  };
  const timer = setInterval(read, 50);
  read();
  return () => {
    clearInterval(timer);
    return { peakRssMb: peakKb / 1024, cpuSecs: cpuTicks / 100 };
  };
}

function runNetsec(args, opts = {}) {
  return new Promise((res, rej) => {
    const extra =
      flag('--cpu-prof') && args[0] === 'import'
        ? ['--cpu-prof', `--cpu-prof-dir=${opts.profDir}`]
        : [];
    const child = spawn(process.execPath, [...extra, BIN, ...args], {
      env: { ...process.env, NETSEC_LOG_LEVEL: 'warn' },
    });
    const stopSampler = procSampler(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t0 = performance.now();
    child.on('error', rej);
    child.on('close', (code) =>
      res({
        code,
        stdout,
        stderr,
        wallSecs: (performance.now() - t0) / 1000,
        ...stopSampler(),
      }),
    );
  });
}

function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function httpIngest(dir, path) {
  const db = join(dir, 'http.db');
  const created = spawnSync(
    process.execPath,
    [BIN, 'tokens', 'create', '--name', 'bench', '--db', db, '--json'],
    { encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(`tokens create failed: ${created.stderr}`);
  const { token } = JSON.parse(created.stdout);
  const port = await freePort();
  const server = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', String(port)], {
    env: { ...process.env, NETSEC_LOG_LEVEL: 'warn', HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${base}/readyz`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i > 200) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    // Batches are cut up front so that client-side work does not count against the server.
    const batches = [];
    let cur = [];
    let taken = 0;
    await forEachLine(path, (l) => {
      if (taken >= HTTP_LINES || l === '') return;
      cur.push(l);
      taken++;
      if (cur.length === 1000) {
        batches.push(cur.join('\n') + '\n');
        cur = [];
      }
    });
    if (cur.length) batches.push(cur.join('\n') + '\n');
    let next = 0;
    let accepted = 0;
    let lines = 0;
    const t0 = performance.now();
    const client = async () => {
      while (next < batches.length) {
        const i = next++;
        const r = await fetch(`${base}/api/v1/ingest?format=hubble&cluster=bench`, {
          method: 'POST',
          body: batches[i],
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/x-ndjson',
            'idempotency-key': `bench-${i}`,
          },
        });
        if (r.status !== 200) throw new Error(`batch ${i}: HTTP ${r.status} ${await r.text()}`);
        const body = await r.json();
        accepted += body.accepted;
        lines += body.accepted + body.rejected + body.skipped;
      }
    };
    await Promise.all([client(), client(), client(), client()]);
    const secs = (performance.now() - t0) / 1000;
    return { accepted, lines, secs, flowsPerSec: accepted / secs, batches: batches.length };
  } finally {
    server.kill('SIGTERM');
  }
}

// ---------------------------------------------------------------- main
const dir = mkdtempSync(join(tmpdir(), 'netsec-bench-'));
try {
  const file = join(dir, 'hubble.jsonl');
  log(`generating ${LINES.toLocaleString('en-US')} Hubble lines in ${file} …`);
  await generate(file, LINES);

  log('JSON.parse baseline …');
  const base = await jsonParseBaseline(file);

  log('netsec import …');
  const imp = await runNetsec(
    [
      'import',
      '--format',
      'hubble',
      file,
      '--db',
      join(dir, 'import.db'),
      '--cluster',
      'bench',
      '--json',
    ],
    { profDir: dir },
  );
  if (imp.code !== 0) throw new Error(`import exited ${imp.code}: ${imp.stderr}`);
  const summary = JSON.parse(imp.stdout.trim().split('\n').pop());
  const linesPerSec = summary.read / summary.seconds;

  log(`HTTP ingest (4 clients, 1,000-line batches, ${HTTP_LINES.toLocaleString('en-US')} lines) …`);
  const http = await httpIngest(dir, file);

  // CPU-time rates: on a machine shared with other work, wall-clock rates of two phases run
  // at different moments are not comparable; CPU seconds are (within a few percent).
  const importCpuLinesPerSec = summary.read / imp.cpuSecs;
  const wallRatio = linesPerSec / base.perSec;
  const cpuRatio = importCpuLinesPerSec / base.perCpuSec;
  const result = {
    flowsPerSec: Math.round(summary.flowsPerSec),
    jsonParsePerSec: Math.round(base.perSec),
    ratio: Math.round(cpuRatio * 100) / 100,
    peakRssMb: Math.round(imp.peakRssMb),
    httpFlowsPerSec: Math.round(http.flowsPerSec),
  };
  const n = (x) => Math.round(x).toLocaleString('en-US');
  const rows = [
    [
      'input lines',
      n(summary.read),
      `${LINES} generated; ${n(summary.skipped)} skipped (replies), ${n(summary.rejected)} rejected`,
    ],
    [
      'JSON.parse baseline',
      `${n(base.perSec)} lines/s`,
      `${base.secs.toFixed(2)} s wall, ${base.cpuSecs.toFixed(2)} s CPU`,
    ],
    [
      'netsec import',
      `${n(summary.flowsPerSec)} flows/s`,
      `${n(linesPerSec)} records/s, ${summary.seconds.toFixed(2)} s (${imp.wallSecs.toFixed(2)} s wall, ${imp.cpuSecs.toFixed(2)} s CPU incl. start-up)`,
    ],
    [
      'ratio import/JSON.parse',
      String(result.ratio),
      `per CPU second (${n(importCpuLinesPerSec)} vs ${n(base.perCpuSec)} lines/CPU-s; wall-clock ratio ${wallRatio.toFixed(2)}); target ≥ 0.5`,
    ],
    ['peak RSS (import)', `${result.peakRssMb} MB`, 'target ≤ 300 MB'],
    [
      'HTTP ingest',
      `${n(http.flowsPerSec)} flows/s`,
      `${http.batches} batches, ${n(http.accepted)} flows in ${http.secs.toFixed(2)} s`,
    ],
  ];
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(rows.map((r) => `${r[0].padEnd(w0)}  ${r[1].padStart(w1)}  ${r[2]}`).join('\n'));
  if (flag('--cpu-prof')) console.log(`CPU profile of the import written to ${dir} (kept)`);
  if (JSON_OUT) console.log(JSON.stringify(result));
} finally {
  if (!flag('--keep') && !flag('--cpu-prof')) rmSync(dir, { recursive: true, force: true });
}
