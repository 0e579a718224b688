// Load benchmark (`npm run bench:load`, after a build): sustained HTTP ingest while simulated
// users browse the dashboard. In one run it:
//   1. starts `netsec serve` (built dist) on a temporary SQLite store (or --pg-url), makes an
//      ingest token and signs the users in (session cookies);
//   2. prefills the store over HTTP (so that the pages have data to show);
//   3. baseline: the users browse for --baseline seconds with no ingest running;
//   4. load: --clients ingest clients post native NDJSON batches as fast as the server takes
//      them while the same users browse, for --duration;
//   5. prints API latency p50/p95/p99 per phase and their ratio, 5xx counts, the achieved ingest
//      rate, and the server's peak RSS (VmHWM) and RSS over time.
// A user opens a page (the requests the web UI makes for it, at once), reads it for 1–3 s, and
// opens another: Overview, Denied, Allowed or the flow explorer, over the last hour or day.
// Flags: --duration 5m --baseline 60s --users 20 --clients 4 --batch 2000 --prefill 300000 --json
//        --pg-url postgres://… (an empty PostgreSQL database instead of a temporary SQLite file)
// Environment: BENCH_SERVER_NODE_ARGS, Node flags of the server (default: the chart's heap limit).
import { Buffer } from 'node:buffer';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval, setTimeout } from 'node:timers';

import {
  argNum,
  commandCpuSeconds,
  cpuSeconds,
  ingestToken,
  login,
  parseDuration,
  pct,
  rssSampler,
  startServe,
  timedGet,
} from './lib/bench-server.mjs';
import { batches as flowBatches } from './lib/flow-batches.mjs';

const { fetch } = globalThis;
const argv = process.argv.slice(2);
const argStr = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const DURATION = parseDuration(argStr('--duration', '5m'));
const BASELINE = parseDuration(argStr('--baseline', String(Math.min(60, DURATION / 4000))));
const USERS = argNum(argv, '--users', 20);
const CLIENTS = argNum(argv, '--clients', 4);
const BATCH = argNum(argv, '--batch', 2000);
const PREFILL = argNum(argv, '--prefill', 300_000);
const JSON_OUT = argv.includes('--json');
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);

// ---------------------------------------------------------------- ingest bodies
// 100 distinct native NDJSON bodies (2,000 pods, 10% denied), re-sent in turn with fresh
// idempotency keys; flow times are moved to the moment of sending so the pages see them.
const BODIES = 100;
const bodies = [];
{
  const t = performance.now();
  let n = 0;
  for (const flows of flowBatches(BODIES * BATCH, 11, BATCH)) {
    const t0 = flows[0].time;
    bodies.push(
      flows.map((f) => JSON.stringify({ v: 1, ...f, time: f.time - t0 })).join('\n') + '\n',
    );
    if (++n === BODIES) break;
  }
  log(
    `${BODIES} bodies of ${BATCH} flows prepared in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}
/**
 * Relative times become absolute by writing digits into a copy of the encoded body: the load
 * generator shares this machine's CPU with the server, so it must cost little. Each body is
 * kept as bytes with 13-digit placeholders (epoch milliseconds have 13 digits until 2286).
 */
const templates = bodies.map((body) => {
  const rel = [];
  const buf = Buffer.from(
    body.replace(/"time":(\d+)/g, (_, d) => {
      rel.push(Number(d));
      return '"time":0000000000000';
    }),
  );
  const offsets = [];
  for (let i = buf.indexOf('"time":'); i >= 0; i = buf.indexOf('"time":', i + 7))
    offsets.push(i + 7);
  return { buf, offsets, rel };
});
function timed(i, now) {
  const t = templates[i];
  const out = Buffer.from(t.buf);
  for (let k = 0; k < t.offsets.length; k++) {
    const digits = String(now - 60_000 + t.rel[k]);
    if (digits.length !== 13) throw new Error(`time ${digits} is not 13 digits`);
    out.write(digits, t.offsets[k], 'latin1');
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'netsec-bench-load-'));
// --pg-url: the server's store is that PostgreSQL database (give it an empty one: the run's
// flows stay there); otherwise a SQLite file in the temporary directory.
const db = argStr('--pg-url', join(dir, 'load.db'));
const onPostgres = db !== join(dir, 'load.db');
const token = ingestToken(db);
// The server runs as the Helm chart runs it: main-thread heap bounded at server.heapMb (640).
// BENCH_SERVER_NODE_ARGS replaces this (for example with a CPU profile's flags).
process.env.BENCH_SERVER_NODE_ARGS ??= '--max-old-space-size=640';
const server = await startServe(db);
const rss = rssSampler(server.pid);
const base = server.base;

// `refused`: 503 "overloaded", the server's admission turning a body away (ingest.maxInFlightBytes)
// before parsing it; the client waits its Retry-After, as collectors do. Other 5xx are errors.
const ingest = { flows: 0, requests: 0, status5xx: 0, refused: 0, other: 0, ms: [] };
async function postBatch(i) {
  const t = performance.now();
  const r = await fetch(`${base}/api/v1/ingest?format=native&cluster=load`, {
    method: 'POST',
    body: timed(i % BODIES, Date.now()),
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-ndjson',
      'idempotency-key': `load-${i}`,
    },
  });
  const text = await r.text();
  ingest.ms.push(performance.now() - t);
  ingest.requests++;
  if (r.status >= 500) {
    if (r.status === 503 && text.includes('"overloaded"')) ingest.refused++;
    else ingest.status5xx++;
    const wait = Number(r.headers.get('retry-after') ?? 1);
    await new Promise((res) => setTimeout(res, Math.min(wait, 2) * 1000));
    return;
  }
  if (r.status !== 200) {
    ingest.other++;
    if (ingest.other < 5) log(`ingest HTTP ${r.status}: ${text.slice(0, 200)}`);
    return;
  }
  ingest.flows += JSON.parse(text).accepted;
}

let seq = 0;
async function ingestUntil(stop) {
  const client = async () => {
    while (!stop()) await postBatch(seq++);
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
}

// ---------------------------------------------------------------- users
const P = '/api/v1/dashboard';
function pageRequests(page, from, to) {
  const q = `from=${from}&to=${to}`;
  const ts = (v, extra) => `${P}/timeseries?${q}&verdict=${v}${extra}`;
  switch (page) {
    case 'overview':
      return [
        `${P}/overview?${q}`,
        ts('denied', '&groupBy=namespace&metric=flows'),
        ts('allowed', '&groupBy=namespace'),
      ];
    case 'denied':
      return [
        `${P}/denied?${q}`,
        ts('denied', '&groupBy=workload&direction=egress&rate=true'),
        ts('denied', '&groupBy=workload&direction=ingress&rate=true'),
      ];
    case 'allowed':
      return [
        `${P}/allowed/volume?${q}`,
        `${P}/allowed/external?${q}`,
        ts('allowed', '&groupBy=workload&direction=egress&rate=true'),
        ts('allowed', '&groupBy=workload&direction=ingress&rate=true'),
      ];
    default:
      return [`${P}/flows?${q}&limit=1000`, `${P}/flows?${q}&limit=1000&verdict=denied`];
  }
}
const PAGES = ['overview', 'denied', 'allowed', 'flows'];

function newStats() {
  return { ms: [], byPage: Object.fromEntries(PAGES.map((p) => [p, []])), status5xx: 0, other: 0 };
}

async function browse(cookie, user, stop, stats) {
  let k = user;
  while (!stop()) {
    const page = PAGES[k++ % PAGES.length];
    const to = Date.now();
    const from = to - (k % 5 === 0 ? 24 : 1) * 3_600_000;
    const res = await Promise.all(
      pageRequests(page, from, to).map((u) => timedGet(`${base}${u}`, cookie)),
    );
    for (const r of res) {
      stats.ms.push(r.ms);
      stats.byPage[page].push(r.ms);
      if (r.status >= 500 || r.status === 0) stats.status5xx++;
      else if (r.status !== 200) stats.other++;
    }
    await new Promise((r) => setTimeout(r, 1000 + ((k * 7919) % 2000)));
  }
}

async function usersFor(ms, cookies) {
  const stats = newStats();
  const end = performance.now() + ms;
  const stop = () => performance.now() >= end;
  await Promise.all(cookies.map((c, u) => browse(c, u, stop, stats)));
  return stats;
}

// ---------------------------------------------------------------- run
let result;
try {
  const cookies = [];
  // One session per user; should the sign-in rate limit refuse some, they share a session.
  for (let u = 0; u < USERS; u++) cookies.push(await login(base).catch(() => cookies[0]));
  if (cookies[0] === undefined) throw new Error('could not sign in');

  log(`prefill: ${PREFILL.toLocaleString('en-US')} flows …`);
  await ingestUntil(() => ingest.flows >= PREFILL);
  Object.assign(ingest, { flows: 0, requests: 0, status5xx: 0, refused: 0, other: 0, ms: [] });

  log(`baseline: ${USERS} users for ${BASELINE / 1000} s, no ingest …`);
  const rssBefore = rss.now();
  const baseline = await usersFor(BASELINE, cookies);

  log(`load: ${CLIENTS} ingest clients and ${USERS} users for ${DURATION / 1000} s …`);
  const rssTrend = [];
  const pgCpu = () => (onPostgres ? commandCpuSeconds('postgres') : 0);
  const cpu0 = { server: cpuSeconds(server.pid), pg: pgCpu(), bench: process.cpuUsage() };
  const t0 = performance.now();
  const loadEnd = t0 + DURATION;
  // The server's main-thread heap and event-loop lag next to its RSS (from its /metrics).
  const heapTrend = [];
  const lagTrend = [];
  const sampleServer = async () => {
    const text = await fetch(`${base}/metrics`, { headers: { cookie: cookies[0] } })
      .then((r) => r.text())
      .catch(() => '');
    const value = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    heapTrend.push(Math.round(value('nodejs_heap_size_used_bytes') / 1048576));
    lagTrend.push(Math.round(value('nodejs_eventloop_lag_p99_seconds') * 1000));
  };
  // On SQLite, the database file and its write-ahead log on disk: whether checkpoints keep up.
  const fileMb = (path) => {
    try {
      return Math.round(statSync(path).size / 1048576);
    } catch {
      return 0;
    }
  };
  const diskTrend = [];
  const trend = setInterval(
    () => {
      rssTrend.push(Math.round(rss.now().rssMb));
      if (!onPostgres) diskTrend.push([fileMb(db), fileMb(`${db}-wal`)]);
      void sampleServer();
    },
    Math.max(1000, DURATION / 10),
  );
  const [load] = await Promise.all([
    usersFor(DURATION, cookies),
    ingestUntil(() => performance.now() >= loadEnd),
  ]);
  const secs = (performance.now() - t0) / 1000;
  const serverCpu = cpuSeconds(server.pid) - cpu0.server;
  // PostgreSQL's processes on this machine (its writes and reads run there, not in the server).
  const postgresCpu = pgCpu() - cpu0.pg;
  // The server's own view: read workers alive, and how the answer cache served the users.
  const metricsText = await fetch(`${base}/metrics`, { headers: { cookie: cookies[0] } })
    .then((r) => r.text())
    .catch(() => '');
  const gauge = (name) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metricsText)?.[1] ?? NaN);
  const cacheRequests = Object.fromEntries(
    [
      ...metricsText.matchAll(/^netsec_dashboard_cache_requests_total\{result="(\w+)"\} (\S+)$/gm),
    ].map((m) => [m[1], Number(m[2])]),
  );
  const benchUsage = process.cpuUsage(cpu0.bench);
  const benchCpu = (benchUsage.user + benchUsage.system) / 1e6;
  clearInterval(trend);
  const mem = rss.stop();

  const lat = (s) => ({
    p50: pct(s.ms, 50),
    p95: pct(s.ms, 95),
    p99: pct(s.ms, 99),
    n: s.ms.length,
  });
  const L = lat(load);
  const B = lat(baseline);
  result = {
    durationS: Math.round(secs),
    users: USERS,
    clients: CLIENTS,
    ingestFlowsPerSec: Math.round(ingest.flows / secs),
    ingestRequests: ingest.requests,
    ingest5xx: ingest.status5xx,
    ingestRefused: ingest.refused,
    ingestP95Ms: Math.round(pct(ingest.ms, 95)),
    api: { p50: Math.round(L.p50), p95: Math.round(L.p95), p99: Math.round(L.p99), requests: L.n },
    baseline: {
      p50: Math.round(B.p50),
      p95: Math.round(B.p95),
      p99: Math.round(B.p99),
      requests: B.n,
    },
    ratioP95: Number((L.p95 / B.p95).toFixed(2)),
    api5xx: load.status5xx + baseline.status5xx,
    apiOther: load.other + baseline.other,
    peakRssMb: Math.round(mem.peakMb),
    rssBeforeLoadMb: Math.round(rssBefore.rssMb),
    rssTrendMb: rssTrend,
    heapUsedTrendMb: heapTrend,
    eventLoopLagP99TrendMs: lagTrend,
    ...(onPostgres ? {} : { sqliteDbAndWalTrendMb: diskTrend }),
    byPageP95: Object.fromEntries(PAGES.map((p) => [p, Math.round(pct(load.byPage[p], 95))])),
    readWorkers: gauge('netsec_store_read_workers'),
    cacheRequests,
    cores: availableParallelism(),
    serverCpuCores: Number((serverCpu / secs).toFixed(2)),
    ...(onPostgres ? { postgresCpuCores: Number((postgresCpu / secs).toFixed(2)) } : {}),
    benchCpuCores: Number((benchCpu / secs).toFixed(2)),
    loadAverage: loadavg()[0],
  };
  const n = (x) => Math.round(x).toLocaleString('en-US');
  const rows = [
    [
      'API latency under load',
      `p50 ${n(L.p50)} · p95 ${n(L.p95)} · p99 ${n(L.p99)} ms`,
      `${n(L.n)} requests; target p95 ≤ 300 ms`,
    ],
    [
      'API latency, no ingest',
      `p50 ${n(B.p50)} · p95 ${n(B.p95)} · p99 ${n(B.p99)} ms`,
      `${n(B.n)} requests (baseline)`,
    ],
    ['ratio p95 load/baseline', String(result.ratioP95), ''],
    ['p95 by page under load', PAGES.map((p) => `${p} ${result.byPageP95[p]}`).join(' · '), 'ms'],
    ['API 5xx', String(result.api5xx), `target 0; other non-200: ${result.apiOther}`],
    [
      'ingest',
      `${n(result.ingestFlowsPerSec)} flows/s`,
      `${n(ingest.flows)} flows in ${secs.toFixed(0)} s, ${CLIENTS} clients × ${BATCH}-flow batches; target ≥ 50,000`,
    ],
    [
      'ingest 5xx',
      String(ingest.status5xx),
      `request p95 ${result.ingestP95Ms} ms; refused while busy (503 overloaded): ${n(ingest.refused)} of ${n(ingest.requests)}`,
    ],
    [
      'answer cache (whole run)',
      ['hit', 'stale', 'miss'].map((k) => `${k} ${n(cacheRequests[k] ?? 0)}`).join(' · '),
      `read workers: ${result.readWorkers}`,
    ],
    [
      'CPU during load',
      `server ${result.serverCpuCores}${onPostgres ? ` · PostgreSQL ${result.postgresCpuCores}` : ''} · load generator ${result.benchCpuCores} cores`,
      `of ${result.cores}; 1-min load average at the end ${result.loadAverage.toFixed(1)}`,
    ],
    [
      'server peak RSS (VmHWM)',
      `${result.peakRssMb} MB`,
      `RSS ${result.rssBeforeLoadMb} MB before load; during load: ${rssTrend.join(', ')} MB`,
    ],
    [
      'server main-thread heap used',
      `${heapTrend.join(', ')} MB`,
      `event-loop lag p99 during load: ${lagTrend.join(', ')} ms`,
    ],
  ];
  if (!onPostgres) {
    rows.push([
      'SQLite file · WAL on disk',
      `${diskTrend.map(([d, w]) => `${n(d)} · ${n(w)}`).join(', ')} MB`,
      'during load',
    ]);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  console.log(rows.map((r) => `${r[0].padEnd(w0)}  ${r[1].padEnd(w1)}  ${r[2]}`).join('\n'));
  if (JSON_OUT) console.log(JSON.stringify(result));
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
