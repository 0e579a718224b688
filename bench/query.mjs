// Query benchmark (`npm run bench:query`, after a build): our dashboard API against Debian's
// Prometheus on the same traffic. In one run it:
//   1. generates N days of calico-accountant-style counters for W workloads (bench/lib/
//      accountant-traffic.mjs), checks on a few samples that the flows we write are exactly what
//      our accountant parser makes of those samples;
//   2. writes the flows into a SQLite store through the store's group-commit batch API, and the
//      same counters as OpenMetrics into Prometheus blocks with `promtool tsdb create-blocks-from
//      openmetrics` (in parallel);
//   3. starts `netsec serve` on the store and `prometheus` on the blocks (loopback, free ports);
//   4. times, interleaved, each panel × range (1h, 24h, 7d, 30d ending at the data's end):
//      our HTTP API with a session cookie (the requests the web UI makes for the panel, at once), and the equivalent PromQL with the step Grafana would
//      use (all of a panel's PromQL queries concurrently, as Grafana sends them).
// Flags: --workloads 2000 --days 30 --scrape-min 15 --runs 15 --ranges 1h,24h,7d,30d --json --keep
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate } from 'node:timers';

import { createAccountantParser } from '../dist/formats/accountant/accountant-parser.js';
import { openSqliteStore } from '../dist/store/sqlite/sqlite-store.js';
import {
  accountantModel,
  delta,
  expositionLine,
  flowChunks,
  flowOf,
  openMetricsChunks,
} from './lib/accountant-traffic.mjs';
import { argNum, login, pct, startServe, timedGet, waitIdle } from './lib/bench-server.mjs';
import { backfill, promQuery, startPrometheus, writeChunks } from './lib/prometheus-backfill.mjs';

const argv = process.argv.slice(2);
const WORKLOADS = argNum(argv, '--workloads', 2000);
const DAYS = argNum(argv, '--days', 30);
const SCRAPE_MS = argNum(argv, '--scrape-min', 15) * 60_000;
const RUNS = argNum(argv, '--runs', 15);
const JSON_OUT = argv.includes('--json');
const RANGES = (
  argv.includes('--ranges') ? argv[argv.indexOf('--ranges') + 1] : '1h,24h,7d,30d'
).split(',');
const log = (...a) => process.stderr.write(`${a.join(' ')}\n`);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ---------------------------------------------------------------- data
const end = Math.floor(Date.now() / SCRAPE_MS) * SCRAPE_MS - SCRAPE_MS;
const model = accountantModel({ workloads: WORKLOADS, days: DAYS, stepMs: SCRAPE_MS, end });
log(
  `${WORKLOADS} workloads, ${model.series.length} series, ${model.steps} scrapes of ${SCRAPE_MS / 60_000} min over ${DAYS} days`,
);

/** Our flows must be what the accountant parser makes of the same samples. */
function checkAgainstParser() {
  const parser = createAccountantParser({ cluster: 'bench' });
  const picked = [model.series[0], model.series[1], model.series.find((s) => s.family === 'drop')];
  for (const s of picked) {
    let v = 1000 + s.id;
    parser.parseLine(expositionLine(s, 0, v, model), 1);
    for (let k = 1; k <= 4; k++) {
      const d = delta(s, k, model);
      v += d;
      const got = parser.parseLine(expositionLine(s, k, v, model), k + 1).flows ?? [];
      assert.deepEqual(got, d === 0 ? [] : [flowOf(s, k, d, model)]);
    }
  }
}
checkAgainstParser();

const dir = mkdtempSync(join(tmpdir(), 'netsec-bench-query-'));
const dbPath = join(dir, 'store.db');
const omPath = join(dir, 'accountant.om');
const promData = join(dir, 'prom');

async function writeStore() {
  const store = openSqliteStore({ path: dbPath, synchronous: 'NORMAL' });
  const t = performance.now();
  let flows = 0;
  let b = 0;
  let group = [];
  for (const chunk of flowChunks(model, 2_000)) {
    group.push({ id: `q${b++}`, flows: chunk, source: 'accountant', receivedAt: Date.now() });
    flows += chunk.length;
    if (group.length === 10) {
      await store.writeBatches(group);
      group = [];
      // better-sqlite3 is synchronous: give the event loop a turn (promtool's exit, timers).
      await new Promise((r) => setImmediate(r));
    }
  }
  if (group.length) await store.writeBatches(group);
  const secs = (performance.now() - t) / 1000;
  const stats = await store.stats();
  await store.close();
  return { flows, secs, stats };
}

let ours;
let prom;
try {
  let t = performance.now();
  log(`writing OpenMetrics to ${omPath} …`);
  await writeChunks(omPath, openMetricsChunks(model));
  const omSecs = (performance.now() - t) / 1000;
  const samples = model.series.length * (model.steps + 1);
  log(
    `promtool backfill (${samples.toLocaleString('en-US')} samples) and store write, in parallel …`,
  );
  const maxBlockHours = Math.min(31 * 24, Math.ceil(((DAYS + 1) * DAY) / HOUR));
  const [promSecs, store] = await Promise.all([
    backfill(omPath, promData, maxBlockHours),
    writeStore(),
  ]);
  log(
    `store: ${store.flows.toLocaleString('en-US')} flows in ${store.secs.toFixed(1)} s; promtool: ${promSecs.toFixed(1)} s`,
  );

  // The answer cache is off: each timed request computes its answer, as each PromQL query does.
  ours = await startServe(dbPath, { NETSEC_DASHBOARD_CACHE_TTL_MS: '0' });
  const cookie = await login(ours.base);
  prom = await startPrometheus(dir, promData);
  // Time steady state, not start-up: the server's first retention run sums the finished days
  // into the daily tier, and detection reads the newest data.
  log(`server settled after ${(await waitIdle(ours.pid)) / 1000} s`);

  // ---------------------------------------------------------------- panels
  const NICE = [
    1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200,
    86400,
  ].map((s) => s * 1000);
  /** Grafana: range / max data points (about the panel's width), rounded, at least the scrape interval. */
  const grafanaStep = (rangeMs) => {
    const raw = rangeMs / 1000;
    let nice = NICE[NICE.length - 1];
    for (let i = 0; i < NICE.length - 1; i++) {
      if (raw < (NICE[i] + NICE[i + 1]) / 2) {
        nice = NICE[i];
        break;
      }
    }
    return Math.max(nice, SCRAPE_MS);
  };
  const sec = (ms) => `${Math.round(ms / 1000)}s`;
  // As the web UI asks: the denied and allowed pages draw egress and ingress charts side by
  // side (two requests at once), as the reference dashboard draws its fw and tw panels.
  const TS = '/api/v1/dashboard/timeseries';
  const BY = '&groupBy=workload&rate=true';
  const panels = {
    overview: {
      ours: (q) => [`/api/v1/dashboard/overview?${q}`],
      prom: (r) => {
        const R = sec(r.end - r.start);
        const base = sec(Math.max(7 * DAY, r.end - r.start));
        return [
          `sum(increase(no_policy_drop_counter[${R}]))`,
          `topk(8, sum by (pod_namespace, exported_pod) (increase(no_policy_drop_counter{type="fw"}[${R}])))`,
          `topk(8, sum by (pod_namespace, exported_pod) (increase(no_policy_drop_counter{type="tw"}[${R}])))`,
          `sum by (pod_namespace, exported_pod, type) (increase(policy_accept_counter[${R}]))`,
          `sum by (pod_namespace, exported_pod, type) (increase(policy_accept_counter[${base}] offset ${R}))`,
        ].map((e) => ({ expr: e }));
      },
    },
    denied: {
      ours: (q) =>
        ['egress', 'ingress'].map((d) => `${TS}?${q}&verdict=denied&direction=${d}${BY}`),
      prom: (r) =>
        ['fw', 'tw'].map((type) => ({
          expr: `sum by (pod_namespace, exported_pod) (rate(no_policy_drop_counter{type="${type}"}[${sec(r.rateInterval)}]))`,
          range: r,
        })),
    },
    'denied table': {
      ours: (q) => [`/api/v1/dashboard/denied?${q}`],
      // Totals per group, and the 24-bin sparkline of each group, as /denied returns them.
      prom: (r) => {
        const spark = Math.max(SCRAPE_MS, Math.ceil((r.end - r.start) / 24));
        const by = 'sum by (pod_namespace, exported_pod, type)';
        return [
          { expr: `${by} (increase(no_policy_drop_counter[${sec(r.end - r.start)}]))` },
          {
            expr: `${by} (increase(no_policy_drop_counter[${sec(spark)}]))`,
            range: { start: r.start + spark, end: r.end, stepMs: spark },
          },
        ];
      },
    },
    allowed: {
      ours: (q) =>
        ['egress', 'ingress'].map((d) => `${TS}?${q}&verdict=allowed&direction=${d}${BY}`),
      prom: (r) =>
        ['fw', 'tw'].map((type) => ({
          expr: `sum by (pod_namespace, exported_pod, policy) (rate(policy_accept_counter{type="${type}"}[${sec(r.rateInterval)}]))`,
          range: r,
        })),
    },
  };
  const ranges = { '1h': HOUR, '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY }; // ending at the data's end
  const results = [];
  for (const [rname, rms] of Object.entries(ranges)) {
    if (rms > DAYS * DAY || !RANGES.includes(rname)) continue;
    const step = grafanaStep(rms);
    // Grafana's $__rate_interval: max(step + scrape interval, 4 × scrape interval).
    const r = {
      start: model.end - rms,
      end: model.end,
      stepMs: step,
      rateInterval: Math.max(step + SCRAPE_MS, 4 * SCRAPE_MS),
    };
    const q = `from=${r.start}&to=${r.end}`;
    for (const [pname, p] of Object.entries(panels)) {
      const oursMs = [];
      const promMs = [];
      let errors = 0;
      let promSeries = 0;
      for (let i = 0; i <= RUNS; i++) {
        const t1 = performance.now();
        const mine = await Promise.all(
          p.ours(q).map((path) => timedGet(`${ours.base}${path}`, cookie)),
        );
        const a = performance.now() - t1;
        errors += mine.filter((m) => m.status !== 200).length;
        const t0 = performance.now();
        const got = await Promise.all(
          p.prom(r).map((x) => promQuery(prom.url, x.expr, r.end, x.range)),
        );
        const b = performance.now() - t0;
        promSeries = got.reduce((n, g) => n + g.series, 0);
        if (i === 0) continue; // warm-up, both sides
        oursMs.push(a);
        promMs.push(b);
      }
      const row = {
        panel: pname,
        range: rname,
        promStepS: step / 1000,
        oursP50: pct(oursMs, 50),
        oursP95: pct(oursMs, 95),
        promP50: pct(promMs, 50),
        promP95: pct(promMs, 95),
        promSeries,
        errors,
      };
      row.ratioP95 = row.oursP95 / row.promP95;
      results.push(row);
      log(
        `${pname.padEnd(12)} ${rname.padStart(4)}  ours p50 ${row.oursP50.toFixed(1)} p95 ${row.oursP95.toFixed(1)} ms · prometheus p50 ${row.promP50.toFixed(1)} p95 ${row.promP95.toFixed(1)} ms · ratio ${row.ratioP95.toFixed(2)}${errors ? ` · ${errors} non-200` : ''}`,
      );
    }
  }

  // ---------------------------------------------------------------- report
  const f = (x) => x.toFixed(1).padStart(8);
  console.log(
    `data: ${WORKLOADS} workloads, ${DAYS} days, scrape ${SCRAPE_MS / 60_000} min; ${samples.toLocaleString('en-US')} Prometheus samples ` +
      `(OpenMetrics ${(statSync(omPath).size / 1e9).toFixed(2)} GB written in ${omSecs.toFixed(0)} s, promtool ${promSecs.toFixed(0)} s); ` +
      `store: ${store.flows.toLocaleString('en-US')} flows in ${store.secs.toFixed(0)} s, rollup_1m ${store.stats.rollup1m.toLocaleString('en-US')}, rollup_1h ${store.stats.rollup1h.toLocaleString('en-US')}, ${(store.stats.sizeBytes / 1e6).toFixed(0)} MB`,
  );
  console.log(
    `${RUNS} timed runs per cell after one warm-up; ours = HTTP API with a session cookie; ms`,
  );
  console.log('panel         range  ours p50  ours p95  prom p50  prom p95  p95 ratio  prom step');
  for (const r of results) {
    console.log(
      `${r.panel.padEnd(13)} ${r.range.padStart(5)} ${f(r.oursP50)}  ${f(r.oursP95)}  ${f(r.promP50)}  ${f(r.promP95)}  ${r.ratioP95.toFixed(2).padStart(9)}  ${String(r.promStepS).padStart(8)}s${r.errors ? `  ${r.errors} non-200!` : ''}`,
    );
  }
  const worst = Math.max(...results.map((r) => r.ratioP95));
  console.log(`worst p95 ratio (ours / Prometheus): ${worst.toFixed(2)} (target ≤ 1 everywhere)`);
  if (JSON_OUT)
    console.log(
      JSON.stringify({ workloads: WORKLOADS, days: DAYS, scrapeMin: SCRAPE_MS / 60_000, results }),
    );
} finally {
  await ours?.stop();
  await prom?.stop();
  if (!argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  else log(`kept ${dir}`);
}
