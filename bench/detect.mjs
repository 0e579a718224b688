// Detection benchmark (`npm run bench:detect`, after a build). In one run it:
//   1. writes --flows flows (default 1,000,000; the load benchmark's mix: 2,000 pods, 10%
//      denied) spread over the last 10 minutes into a fresh SQLite file, through the store's
//      batch writer;
//   2. times --runs detection runs over the last two hours computed on the main thread
//      (in-process, paced, reading through two read workers: the baseline) and as many on the
//      detection thread, as the server does, alternating the two;
//   3. prints per mode the median run time, the time per step, the main thread's busy time
//      (event-loop utilisation) and its longest stall (monitorEventLoopDelay), and the ratios
//      thread ÷ main thread. Findings are computed, not stored;
//   4. times the amplification detector's byte ratios over the same window, alternating: summed
//      by the store in one read (`queryReplyBytes`, what detection does) and, as the baseline,
//      computed from the raw events read a port at a time (what it did before), and checks that
//      both give the same ratios;
//   5. with --history-flows N (default 1,000,000; 0 skips it), writes N more flows spread over
//      the 29 days before the window (the usual level's 28 days of hourly history), then times
//      the first run of each of --steps consecutive 15-minute steps (default 8) on the main
//      thread: with the days of history kept from the step before (as the scheduler and the
//      detection thread keep them) and with nothing kept (as before), alternating, and checks
//      that both find the same.
// Flags: --flows N, --runs N (default 5), --max-denied N (default the server's),
//        --history-flows N, --steps N, --json, --keep.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { argNum } from './lib/bench-server.mjs';
import { batches } from './lib/flow-batches.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(pathToFileURL(join(ROOT, 'dist', p)).href);
const { openSqliteStore } = await dist('store/sqlite/sqlite-store.js');
const { AllowedMemo, detectRange, MAX_DENIED_EVENTS } = await dist('services/detection.js');
const { loadAmplificationRatios } = await dist('services/detection-load.js');
const { normaliseWorkload } = await dist('domain/detect/names.js');
const { findingStoreFor } = await dist('services/detection-store.js');
const { DetectionThread } = await dist('services/detection-thread.js');
const { resolveDetectOptions } = await dist('domain/detect/options.js');

const argv = process.argv.slice(2);
const FLOWS = argNum(argv, '--flows', 1_000_000);
const RUNS = argNum(argv, '--runs', 5);
const MAX_DENIED = argNum(argv, '--max-denied', MAX_DENIED_EVENTS);
const HISTORY = argNum(argv, '--history-flows', 1_000_000);
const STEPS = argNum(argv, '--steps', 8);
const JSON_OUT = argv.includes('--json');
const KEEP = argv.includes('--keep');
const log = (t) => process.stderr.write(`${t}\n`);

const dir = mkdtempSync(join(tmpdir(), 'netsec-bench-detect-'));
const path = join(dir, 'netsec.db');
// A pinned "now": the flows end here, and the runs' window is the two hours before it.
const NOW = Date.UTC(2026, 10, 27, 12, 0);
const SPREAD = 10 * 60_000;
// Two read workers, as the server has: the main-thread runs read through them, as before ADR 0008.
const store = openSqliteStore({ path, now: () => NOW, readWorkers: 2 });
{
  const t = performance.now();
  let i = 0;
  for (const flows of batches(FLOWS, 11, 2000)) {
    const t0 = NOW - SPREAD;
    const shifted = flows.map((f, k) => ({
      ...f,
      time: t0 + Math.floor(((i + k) / FLOWS) * SPREAD),
    }));
    i += flows.length;
    await store.writeBatch({ id: `b${i}`, flows: shifted, source: 'hubble', receivedAt: NOW });
    if (i % 200_000 === 0) log(`wrote ${i.toLocaleString('en-US')} flows`);
  }
  log(
    `store: ${FLOWS.toLocaleString('en-US')} flows in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
}
const options = resolveDetectOptions({});
const range = { from: NOW - 2 * 3_600_000, to: NOW };
const deps = { store, findings: findingStoreFor(store), options };
const thread = DetectionThread.open({ path, options });
if (!thread) throw new Error('no detection thread: run `npm run build` first');

/** One run in `mode`, with the main thread's busy time and longest stall while it ran. */
async function once(mode) {
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const elu = performance.eventLoopUtilization();
  const t = performance.now();
  const r =
    mode === 'main'
      ? await detectRange(deps, range, { now: NOW, persist: false, maxDeniedEvents: MAX_DENIED })
      : await thread.run(range, NOW);
  const wall = performance.now() - t;
  const busy = performance.eventLoopUtilization(elu).active;
  lag.disable();
  return {
    wall,
    busy,
    stall: lag.max / 1e6,
    phases: r.phases,
    deniedEvents: r.deniedEvents,
    findings: r.findings.length,
  };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const results = { main: [], thread: [] };
await once('main'); // warm-up: JIT, page cache
await once('thread');
for (let i = 0; i < RUNS; i++) {
  for (const mode of ['main', 'thread']) {
    results[mode].push(await once(mode));
    log(`run ${i + 1}/${RUNS} ${mode}: ${Math.round(results[mode].at(-1).wall)} ms`);
  }
}

/** The amplification ratios as detection computed them before `queryReplyBytes`. */
async function ratiosFromEvents(window, o) {
  const sums = new Map();
  for (const port of o.amplificationPorts) {
    let cursor = null;
    do {
      const filter = { ...window, port, protocol: ['UDP'], verdict: ['allowed'] };
      const page = await store.queryFlows(filter, { limit: 2000, cursor });
      for (const f of page.flows) {
        if (f.src.kind !== 'external' || f.dst.kind === 'external') continue;
        if (f.bytesToDst === null || f.bytesToSrc === null) continue;
        const wl = `${f.dst.namespace}/${normaliseWorkload(f.dst.workload?.name ?? f.dst.pod)}`;
        const k = `${f.cluster}|${wl}|${port}`;
        const s = sums.get(k) ?? { out: 0, in: 0 };
        s.out += f.bytesToSrc;
        s.in += f.bytesToDst;
        sums.set(k, s);
      }
      cursor = page.next;
    } while (cursor);
  }
  const out = new Map();
  for (const [k, s] of sums) if (s.in > 0) out.set(k, s.out / s.in);
  return out;
}

const ratioTimes = { events: [], summed: [] };
let ratiosFound = 0;
for (let i = 0; i < RUNS; i++) {
  const got = {};
  for (const mode of i % 2 ? ['summed', 'events'] : ['events', 'summed']) {
    const t = performance.now();
    got[mode] =
      mode === 'events'
        ? await ratiosFromEvents(range, options.allowed)
        : await loadAmplificationRatios(store, range, options.allowed);
    ratioTimes[mode].push(performance.now() - t);
  }
  const text = (m) => JSON.stringify([...m].sort());
  if (text(got.events) !== text(got.summed)) throw new Error('the amplification ratios differ');
  ratiosFound = got.summed.size;
}

/**
 * The first run of each step, with the days of hourly history kept from the step before
 * ('kept') and with nothing kept ('fresh'). Both on the main thread, findings not stored.
 */
async function historySteps() {
  const DAY = 24 * 3_600_000;
  const STEP = 15 * 60_000;
  const t = performance.now();
  const span = 30 * DAY - 3 * 3_600_000;
  let i = 0;
  for (const flows of batches(HISTORY, 23, 2000)) {
    const shifted = flows.map((f, k) => ({
      ...f,
      time: NOW - 30 * DAY + Math.floor(((i + k) / HISTORY) * span),
    }));
    i += flows.length;
    await store.writeBatch({ id: `h${i}`, flows: shifted, source: 'hubble', receivedAt: NOW });
  }
  log(
    `history: ${HISTORY.toLocaleString('en-US')} flows over 30 days in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  const windowAt = (k) => ({ from: NOW - k * STEP - 2 * 3_600_000, to: NOW - k * STEP });
  const carried = new AllowedMemo();
  const heap = () => {
    globalThis.gc?.();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const before = heap();
  await detectRange(deps, windowAt(STEPS), { now: NOW, persist: false, allowedMemo: carried });
  const memoMb = (heap() - before) / 1_048_576;
  const out = { kept: [], fresh: [] };
  for (let k = STEPS - 1; k >= 0; k--) {
    const range = windowAt(k);
    const found = {};
    for (const mode of k % 2 ? ['kept', 'fresh'] : ['fresh', 'kept']) {
      const allowedMemo = mode === 'kept' ? carried : new AllowedMemo();
      const w = performance.now();
      const r = await detectRange(deps, range, { now: NOW, persist: false, allowedMemo });
      out[mode].push({ wall: performance.now() - w, allowed: r.phases.allowed, series: r.series });
      found[mode] = JSON.stringify(r.findings.map((f) => [f.key, f.start, f.end, f.severity]));
    }
    if (found.kept !== found.fresh) throw new Error(`step ${k}: the findings differ`);
    log(
      `step ${STEPS - k}/${STEPS}: allowed ${Math.round(out.fresh.at(-1).allowed)} ms fresh, ${Math.round(out.kept.at(-1).allowed)} ms kept`,
    );
  }
  return {
    historyFlows: HISTORY,
    steps: STEPS,
    series: out.kept[0].series,
    memoHeapMb: globalThis.gc ? Math.round(memoMb) : null,
    held: carried.history.held,
    fresh: {
      wallMs: median(out.fresh.map((r) => r.wall)),
      allowedMs: median(out.fresh.map((r) => r.allowed)),
    },
    kept: {
      wallMs: median(out.kept.map((r) => r.wall)),
      allowedMs: median(out.kept.map((r) => r.allowed)),
    },
  };
}
const history = HISTORY > 0 ? await historySteps() : null;
await thread.close();
await store.close();
if (!KEEP) rmSync(dir, { recursive: true, force: true });
else log(`kept ${path}`);

const summary = Object.fromEntries(
  Object.entries(results).map(([mode, rs]) => [
    mode,
    {
      wallMs: median(rs.map((r) => r.wall)),
      mainBusyMs: median(rs.map((r) => r.busy)),
      longestStallMs: median(rs.map((r) => r.stall)),
      deniedMs: median(rs.map((r) => r.phases.denied)),
      allowedMs: median(rs.map((r) => r.phases.allowed)),
      deniedEvents: rs[0].deniedEvents,
      findings: rs[0].findings,
    },
  ]),
);
const ratios = {
  eventsMs: median(ratioTimes.events),
  summedMs: median(ratioTimes.summed),
  found: ratiosFound,
};
if (JSON_OUT) {
  console.log(
    JSON.stringify({ flows: FLOWS, runs: RUNS, maxDenied: MAX_DENIED, summary, ratios, history }),
  );
} else {
  const row = (label, f) =>
    `${label.padEnd(34)} ${f(summary.main).padStart(12)} ${f(summary.thread).padStart(12)} ${(
      Number.parseFloat(f(summary.thread).replaceAll(',', '')) /
      Number.parseFloat(f(summary.main).replaceAll(',', ''))
    )
      .toFixed(2)
      .padStart(8)}`;
  const ms = (k) => (s) => Math.round(s[k]).toLocaleString('en-US');
  console.log(
    `${FLOWS.toLocaleString('en-US')} flows, ${summary.main.deniedEvents.toLocaleString('en-US')} denied events per run (cap ${MAX_DENIED.toLocaleString('en-US')}), medians of ${RUNS} runs`,
  );
  console.log(
    `${''.padEnd(34)} ${'main thread'.padStart(12)} ${'own thread'.padStart(12)} ${'ratio'.padStart(8)}`,
  );
  console.log(row('run time, ms', ms('wallMs')));
  console.log(row('  denied step, ms', ms('deniedMs')));
  console.log(row('  allowed step, ms', ms('allowedMs')));
  console.log(row('main thread busy, ms', ms('mainBusyMs')));
  console.log(row('longest event-loop stall, ms', ms('longestStallMs')));
  console.log(row('findings', (s) => String(s.findings)));
  const f = (x) => Math.round(x).toLocaleString('en-US');
  console.log(
    `\namplification ratios over the window, medians of ${RUNS}: events read a port at a time ${f(ratios.eventsMs)} ms, summed by the store ${f(ratios.summedMs)} ms, ratio ${(ratios.summedMs / ratios.eventsMs).toFixed(2)}; ${ratios.found} ratios, the same both ways`,
  );
}
if (history && !JSON_OUT) {
  const f = (x) => Math.round(x).toLocaleString('en-US');
  console.log(
    `\nfirst run of a step, ${history.historyFlows.toLocaleString('en-US')} flows of history over 30 days, ${history.series.toLocaleString('en-US')} series, medians of ${history.steps} steps`,
  );
  console.log(
    `${''.padEnd(34)} ${'fresh'.padStart(12)} ${'days kept'.padStart(12)} ${'ratio'.padStart(8)}`,
  );
  for (const [label, k] of [
    ['run time, ms', 'wallMs'],
    ['  allowed step, ms', 'allowedMs'],
  ])
    console.log(
      `${label.padEnd(34)} ${f(history.fresh[k]).padStart(12)} ${f(history.kept[k]).padStart(12)} ${(history.kept[k] / history.fresh[k]).toFixed(2).padStart(8)}`,
    );
  console.log(
    `days kept: ${history.held.bins.toLocaleString('en-US')} hourly bins of ${history.held.keys.toLocaleString('en-US')} connections${history.memoHeapMb === null ? '' : `, ${history.memoHeapMb} MB (heap and typed arrays; run with --expose-gc)`}`,
  );
}
