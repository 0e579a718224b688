// Shared by the load and query benchmarks: start `netsec serve` (built dist) on a store file,
// sign in for a session cookie, make an ingest token, sample a process's peak RSS, and the
// percentile arithmetic.
import { spawn, spawnSync } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval, setTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';

const { fetch } = globalThis;

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'netsec');
export const ADMIN_PASSWORD = 'Bench-Load-Pass-7f3a9c1e5b';

export function freePort() {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/** The CLI flag naming a store: a PostgreSQL URL is `--store`, anything else a SQLite file. */
export const storeArgs = (db) => (/^postgres(ql)?:\/\//.test(db) ? ['--store', db] : ['--db', db]);

/** An ingest token made with the CLI on the same database, before the server starts. */
export function ingestToken(db) {
  const r = spawnSync(
    process.execPath,
    [BIN, 'tokens', 'create', '--name', 'bench', ...storeArgs(db), '--json'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`tokens create failed: ${r.stderr}`);
  return JSON.parse(r.stdout).token;
}

/** Starts `netsec serve` on `db` (a file, or a PostgreSQL URL) on a free loopback port; waits for /readyz. */
export async function startServe(db, extraEnv = {}) {
  const port = await freePort();
  // BENCH_SERVER_NODE_ARGS: extra Node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const args = [...nodeArgs, BIN, 'serve', ...storeArgs(db), '--port', String(port)];
  // BENCH_SERVER_LOG: a file for the server's log (debug level unless NETSEC_LOG_LEVEL says
  // otherwise), e.g. to read its detection runs; without it the server logs errors only.
  const logFile = process.env.BENCH_SERVER_LOG;
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      NETSEC_LOG_LEVEL: logFile ? (process.env.NETSEC_LOG_LEVEL ?? 'debug') : 'error',
      HOST: '127.0.0.1',
      NETSEC_ADMIN_PASSWORD: ADMIN_PASSWORD,
      ...extraEnv,
    },
    stdio: ['ignore', logFile ? openSync(logFile, 'a') : 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`netsec serve exited ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (i > 600) throw new Error('netsec serve did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () =>
    new Promise((res) => {
      if (child.exitCode !== null) return res();
      child.once('exit', () => res());
      child.kill('SIGTERM');
    });
  return { base, child, pid: child.pid, stop };
}

/** Signs in as the bootstrap admin; returns the Cookie header value. */
export async function login(base) {
  const r = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (!r.ok) throw new Error(`login: HTTP ${r.status} ${await r.text()}`);
  const set = r.headers.getSetCookie?.() ?? [r.headers.get('set-cookie') ?? ''];
  const cookie = set.map((c) => c.split(';')[0]).find((c) => c.startsWith('netsec_session='));
  if (!cookie) throw new Error('login: no session cookie');
  return cookie;
}

/** GET with the cookie; resolves to { ms, status } after the whole body has arrived. */
export async function timedGet(url, cookie) {
  const t = performance.now();
  try {
    const r = await fetch(url, { headers: { cookie } });
    await r.arrayBuffer();
    return { ms: performance.now() - t, status: r.status };
  } catch (err) {
    return { ms: performance.now() - t, status: 0, error: String(err) };
  }
}

/** CPU seconds (user + system, all threads) that process `pid` has used so far. */
export function cpuSeconds(pid) {
  try {
    // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of every live process named `comm` (e.g. `postgres`: its server and backends). */
export function commandCpuSeconds(comm) {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) total += cpuSeconds(pid);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/**
 * Waits until process `pid` has settled after start-up (its jobs: retention and daily
 * compaction, detection, the coverage sample): under 5 % of a core over two 500 ms samples in a
 * row, or `maxMs` at most. Returns the milliseconds waited.
 */
export async function waitIdle(pid, maxMs = 120_000) {
  const t0 = Date.now();
  let quiet = 0;
  let last = cpuSeconds(pid);
  while (Date.now() - t0 < maxMs && quiet < 2) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuSeconds(pid);
    quiet = now - last < 0.025 ? quiet + 1 : 0;
    last = now;
  }
  return Date.now() - t0;
}

/** Samples VmHWM (peak RSS) and VmRSS of `pid` every 250 ms until stopped. */
export function rssSampler(pid) {
  let peakKb = 0;
  let maxRssKb = 0;
  const read = () => {
    try {
      const s = readFileSync(`/proc/${pid}/status`, 'utf8');
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0));
      maxRssKb = Math.max(maxRssKb, Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0));
    } catch {
      /* exited */
    }
  };
  const timer = setInterval(read, 250);
  read();
  return {
    now: () => (read(), { peakMb: peakKb / 1024, rssMb: maxRssKb / 1024 }),
    stop: () => {
      clearInterval(timer);
      read();
      return { peakMb: peakKb / 1024, rssMb: maxRssKb / 1024 };
    },
  };
}

/** Nearest-rank percentile of a list of numbers. */
export function pct(xs, p) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const argNum = (argv, name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};

/** `--duration 20s|5m|300` in ms. */
export function parseDuration(text) {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(String(text));
  if (!m) throw new Error(`bad duration ${text}`);
  const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'];
  return Number(m[1]) * mult;
}
