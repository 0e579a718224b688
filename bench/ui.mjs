// UI benchmark (`npm run bench:ui`, after a build: `npx tsc -p tsconfig.build.json` and
// `npx vite build --config web/vite.config.ts`). In one run it:
//   1. starts `./bin/netsec demo` with 14 days of simulated history in a temp dir (about a
//      minute of backfill) on a free port;
//   2. opens the initial route in Debian's Chromium and sums the gzipped size of every
//      JavaScript file it loads (target: 350 KB);
//   3. visits each page at each range, records the API calls it makes, and replays each call
//      --reps times, reporting the p95 latency per page (target: 300 ms);
//   5. loads --rows rows into the flow explorer and times scrolling frames (smoothness);
//   4. measures the first chart paint (the `first-chart-paint` performance mark, relative to
//      navigation start) over --loads fresh page loads (target: 1.5 s at p95).
// Flags: --days N (default 14), --reps N (default 20), --loads N (default 5),
// --ranges 15m,24h,7d (windows to time the API at), --rows N (flow explorer rows to load and
// scroll, default 100000; 0 skips), --url URL (a running server), --password P (its admin's),
// --json, --keep.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { chromium } from 'playwright-core';

// Functions passed to page.evaluate run in the browser.
/* global document, requestAnimationFrame */

const { fetch } = globalThis;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'web', 'dist');
const argv = process.argv.slice(2);
const num = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const DAYS = num('--days', 14);
const REPS = num('--reps', 20);
const LOADS = num('--loads', 5);
const ROWS = num('--rows', 100_000);
const JSON_OUT = argv.includes('--json');
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);
/** The demo's first admin; `--password` (or NETSEC_ADMIN_PASSWORD) for an existing server. */
const PASSWORD =
  (argv.includes('--password') ? argv[argv.indexOf('--password') + 1] : null) ??
  process.env.NETSEC_ADMIN_PASSWORD ??
  'Bench-UI-Review-2026-netsec';
const TARGET = { initialJsKb: 350, apiP95Ms: 300, firstChartMs: 1500 };
const PAGES = ['/', '/denied', '/allowed', '/flows', '/map', '/policies'];
/** The default window (15m, as the reference) and the daily-review and weekly windows. */
const RANGES = (
  argv.includes('--ranges') ? argv[argv.indexOf('--ranges') + 1] : '15m,24h,7d'
).split(',');
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

function p95(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)] ?? NaN;
}

async function startDemo(dir) {
  const port = await freePort();
  const child = spawn(
    join(ROOT, 'bin', 'netsec'),
    ['demo', '--days', String(DAYS), '--db', join(dir, 'netsec.db'), '--port', String(port)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NETSEC_ADMIN_PASSWORD: PASSWORD },
    },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const started = performance.now();
  while (!/dashboard: http/.test(out)) {
    if (child.exitCode !== null) throw new Error(`netsec demo exited early:\n${out}`);
    if (performance.now() - started > 600_000)
      throw new Error('netsec demo did not start in 10 min');
    await sleep(250);
  }
  log(`demo ready in ${((performance.now() - started) / 1000).toFixed(1)} s on port ${port}`);
  return { url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}

let session = null;
let cookie = '';

/** Signs in once: a cookie for the API replays, a storage state for the browser contexts. */
async function signIn(browser, url) {
  const ctx = await browser.newContext();
  const r = await ctx.request.post(`${url}/api/v1/auth/login`, {
    data: { username: 'admin', password: PASSWORD },
  });
  if (r.status() !== 200) throw new Error(`sign-in failed: HTTP ${r.status()} ${await r.text()}`);
  session = await ctx.storageState();
  cookie = session.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  await ctx.close();
}

async function newPage(browser) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    ...(session ? { storageState: session } : {}),
  });
  const page = await context.newPage();
  return { context, page };
}

async function initialJs(browser, url) {
  const { context, page } = await newPage(browser);
  const files = new Set();
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (u.pathname.endsWith('.js')) files.add(u.pathname);
  });
  await page.goto(`${url}/`, { waitUntil: 'networkidle' });
  await context.close();
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const buf = readFileSync(join(DIST, f));
    raw += buf.length;
    gz += gzipSync(buf, { level: 9 }).length;
  }
  return { files: files.size, rawKb: raw / 1024, gzipKb: gz / 1024 };
}

async function apiCalls(browser, url, path) {
  const { context, page } = await newPage(browser);
  const calls = new Set();
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/') && r.method() === 'GET') calls.add(u.pathname + u.search);
  });
  await page.goto(`${url}${path}`, { waitUntil: 'networkidle' });
  await page
    .locator('main h1')
    .waitFor()
    .catch(async (err) => {
      const shot = join(tmpdir(), 'netsec-bench-ui-failure.png');
      await page.screenshot({ path: shot });
      throw new Error(`${path}: no page heading (screenshot ${shot}): ${err.message}`);
    });
  await page.waitForLoadState('networkidle');
  await context.close();
  if (calls.size === 0) throw new Error(`${path}: the page made no API call`);
  return [...calls];
}

async function timeCalls(url, calls) {
  const times = [];
  for (let i = 0; i < REPS; i++) {
    for (const c of calls) {
      const t = performance.now();
      const res = await fetch(`${url}${c}`, { headers: { cookie } });
      await res.arrayBuffer();
      times.push(performance.now() - t);
      if (!res.ok) throw new Error(`${c}: HTTP ${res.status}`);
    }
  }
  return { calls: calls.length, p95: p95(times), max: Math.max(...times) };
}

async function firstChart(browser, url) {
  const samples = [];
  for (let i = 0; i < LOADS; i++) {
    const { context, page } = await newPage(browser);
    await page.goto(`${url}/`);
    const handle = await page.waitForFunction(
      () => performance.getEntriesByName('first-chart-paint')[0]?.startTime,
      undefined,
      { timeout: 20_000 },
    );
    samples.push(await handle.jsonValue());
    await context.close();
  }
  return {
    median: [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)],
    p95: p95(samples),
  };
}

/** Loads --rows rows into the flow explorer, then scrolls it and times the frames. */
async function scrollRows(browser, url, target) {
  const { context, page } = await newPage(browser);
  await page.goto(`${url}/flows?range=30d`);
  const body = page.getByRole('table', { name: 'Flows' }).locator('[role="rowgroup"]');
  await body.waitFor();
  const loaded = async () =>
    Number(
      await page
        .getByTestId('row-count')
        .getAttribute('data-rows')
        .catch(() => '0'),
    );
  const started = performance.now();
  let rows = await loaded();
  let stalls = 0;
  while (rows < target && stalls < 20) {
    await body.focus();
    await page.keyboard.press('End');
    await sleep(150);
    const next = await loaded();
    stalls = next === rows ? stalls + 1 : 0;
    rows = next;
  }
  const loadSecs = (performance.now() - started) / 1000;
  const frames = await page.evaluate(
    () =>
      new Promise((done) => {
        const el = document.querySelector('[aria-label="Flows"] [role="rowgroup"]');
        const times = [];
        let last = performance.now();
        let n = 0;
        el.scrollTop = 0;
        const step = (now) => {
          times.push(now - last);
          last = now;
          el.scrollTop += 900;
          if (++n < 240) requestAnimationFrame(step);
          else done(times.slice(1));
        };
        requestAnimationFrame(step);
      }),
  );
  await context.close();
  return {
    rows,
    loadSecs,
    frameP95Ms: p95(frames),
    longFrames: frames.filter((f) => f > 50).length,
    frames: frames.length,
  };
}

async function main() {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('web/dist is missing: run `npx vite build --config web/vite.config.ts` first');
  }
  if (!existsSync('/usr/bin/chromium')) throw new Error('Chromium not found at /usr/bin/chromium');
  const dir = mkdtempSync(join(tmpdir(), 'netsec-bench-ui-'));
  // --url reuses a running server (e.g. `npm start`) instead of starting a demo.
  const given = argv.includes('--url') ? argv[argv.indexOf('--url') + 1] : null;
  const demo = given
    ? { url: given.replace(/\/$/, ''), stop: () => undefined }
    : await startDemo(dir);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ARGS,
    headless: true,
  });
  try {
    await signIn(browser, demo.url);
    const js = await initialJs(browser, demo.url);
    const pages = {};
    for (const r of RANGES) {
      for (const p of PAGES) {
        const path = `${p}?range=${r}`;
        pages[path] = await timeCalls(demo.url, await apiCalls(browser, demo.url, path));
      }
    }
    const chart = await firstChart(browser, demo.url);
    const scroll = ROWS > 0 ? await scrollRows(browser, demo.url, ROWS) : null;
    const worstApi = Math.max(...Object.values(pages).map((x) => x.p95));
    const result = {
      days: DAYS,
      initialJs: js,
      apiP95ByPage: pages,
      firstChartPaintMs: chart,
      explorerScroll: scroll,
      pass: {
        initialJs: js.gzipKb <= TARGET.initialJsKb,
        api: worstApi <= TARGET.apiP95Ms,
        firstChart: chart.p95 <= TARGET.firstChartMs,
      },
    };
    if (JSON_OUT) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      const ok = (b) => (b ? 'ok' : 'OVER');
      console.log(`UI benchmark on ${DAYS} days of demo data`);
      console.log(
        `initial route JS: ${js.gzipKb.toFixed(1)} KB gzipped (${js.files} files, ${js.rawKb.toFixed(0)} KB raw)  target ${TARGET.initialJsKb} KB  ${ok(result.pass.initialJs)}`,
      );
      for (const [p, r] of Object.entries(pages)) {
        console.log(
          `API p95 ${p.padEnd(10)} ${r.p95.toFixed(1).padStart(7)} ms over ${r.calls} calls x ${REPS} (max ${r.max.toFixed(0)} ms)  target ${TARGET.apiP95Ms} ms  ${ok(r.p95 <= TARGET.apiP95Ms)}`,
        );
      }
      console.log(
        `first chart paint: median ${chart.median.toFixed(0)} ms, p95 ${chart.p95.toFixed(0)} ms over ${LOADS} loads  target ${TARGET.firstChartMs} ms  ${ok(result.pass.firstChart)}`,
      );
    }
    if (scroll && !JSON_OUT) {
      console.log(
        `flow explorer: ${scroll.rows} rows loaded in ${scroll.loadSecs.toFixed(1)} s; scrolling ${scroll.frames} frames: p95 frame ${scroll.frameP95Ms.toFixed(1)} ms, ${scroll.longFrames} frames over 50 ms`,
      );
    }
    if (!Object.values(result.pass).every(Boolean)) process.exitCode = 1;
  } finally {
    await browser.close();
    demo.stop();
    await sleep(500);
    if (!argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

main().catch((err) => {
  log(String(err?.stack ?? err));
  process.exit(2);
});
