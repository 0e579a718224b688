/**
 * `netsec demo` itself: runs the real server on the embedded store, fills it with the simulated
 * cluster's history through the ingest service, then streams live traffic to the server's own
 * ingest API. Loaded only when the command runs, so other commands start without the server.
 */
import { dirname, resolve } from 'node:path';

import cliProgress from 'cli-progress';

import { parseDuration } from '../domain/time.js';
import { startServer } from '../http/server.js';
import { demoIngestToken, loadDemoCluster, prepareDemo, runLiveDemo } from '../services/demo.js';
import type { BackfillProgress } from '../services/demo-backfill.js';
import { configFromFlags } from './cli-context.js';
import { escapeTerminal } from './terminal-escape.js';

export interface DemoFlags {
  seed: string;
  days: string;
  speed: string;
  db?: string;
  config?: string;
  host?: string;
  port?: string;
  scenarioEvery: string;
  exitAfter?: string;
}

function number(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < min || n > max)
    throw new Error(
      `${flag}: expected a number from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  return n;
}

function duration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null || ms <= 0)
    throw new Error(`${flag}: expected a duration like 3m, got ${JSON.stringify(text)}`);
  return ms;
}

/** Progress on stderr: a bar on a terminal, a line per 10 % otherwise. */
function progressReporter(): { update(p: BackfillProgress): void; stop(): void } {
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream: process.stderr,
        format: ' history {bar} {percentage}% | {stored} flows | ETA {eta_formatted}',
        hideCursor: true,
        clearOnComplete: true,
        fps: 5,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        if (!started) {
          bar.start(p.totalMs, 0, { stored: 0 });
          started = true;
        }
        bar.update(p.doneMs, { stored: p.stored });
      },
      stop: () => bar.stop(),
    };
  }
  let lastTenth = -1;
  return {
    update(p) {
      const tenth = Math.floor((10 * p.doneMs) / Math.max(1, p.totalMs));
      if (tenth !== lastTenth) process.stderr.write(`history ${tenth * 10}% (${p.stored} flows)\n`);
      lastTenth = tenth;
    },
    stop: () => undefined,
  };
}

/** @example await runDemo({ seed: '42', days: '14', speed: '1', scenarioEvery: '3m' }) */
export async function runDemo(flags: DemoFlags): Promise<void> {
  const seed = number('--seed', flags.seed, 0, 2 ** 31);
  const days = number('--days', flags.days, 0, 400);
  const speed = number('--speed', flags.speed, 0.01, 10_000);
  const scenarioEveryMs = duration('--scenario-every', flags.scenarioEvery);
  const config = configFromFlags(flags, {
    'server.host': flags.host !== undefined ? { flag: '--host', value: flags.host } : undefined,
    'server.port': flags.port !== undefined ? { flag: '--port', value: flags.port } : undefined,
    // The demo is noisy enough with its own progress; the server logs warnings only.
    'log.level':
      process.env['NETSEC_LOG_LEVEL'] === undefined ? { flag: '(demo)', value: 'warn' } : undefined,
  });
  const dataDir = dirname(resolve(config.store.path));
  const say = (line: string): void => void process.stdout.write(`${escapeTerminal(line)}\n`);
  const cluster = await loadDemoCluster(seed, dataDir);
  // The same start as `netsec serve`, with the demo's own cluster model enriching every flow;
  // detection, alerting and retention wait until the history is in.
  const server = await startServer(config, {
    handleSignals: false,
    model: cluster.model,
    demo: true,
    info: { seed, cluster: 'demo', manifests: resolve(dataDir, 'demo-manifests') },
    deferJobs: true,
    announceAdmin: false,
  });
  const { services, url, admin } = server;
  let demo: Awaited<ReturnType<typeof prepareDemo>>;
  const progress = progressReporter();
  const started = performance.now();
  try {
    say(`netsec demo: simulated cluster "demo" (seed ${seed}); data in ${config.store.path}`);
    say(`server: ${url} (filling history first)`);
    demo = await prepareDemo({
      seed,
      sim: cluster.sim,
      days,
      dataDir,
      now: Date.now(),
      ingest: services.ingest,
      onProgress: (p) => progress.update(p),
    });
  } catch (err) {
    progress.stop();
    await server.close();
    throw err;
  }

  progress.stop();
  server.startJobs();
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  if (demo.backfill) {
    const b = demo.backfill;
    const what = demo.resumed ? 'missing history (gap since the last run)' : 'history';
    say(
      `${what}: ${b.counts.stored} flows (${b.goldmaneLines} Goldmane records, ${b.hubbleLines} Hubble events) in ${secs} s`,
    );
  } else {
    say(`history already up to date (${secs} s)`);
  }
  say(
    `manifests: ${demo.manifestsDir}; scenario ground truth: ${demo.labelsPath} (${demo.labels.length} scenarios)`,
  );

  const token = await demoIngestToken(services.tokens);
  const live = await runLiveDemo({
    demo,
    dataDir,
    baseUrl: url,
    token,
    speed,
    scenarioEveryMs,
    log: say,
  });
  say(
    `live traffic: every 15 s via POST ${url}/api/v1/ingest; accountant counters at ${live.metricsUrl}`,
  );
  say(`dashboard: ${url}/  (the data is simulated; the UI says so)`);
  say(`sign in at ${url}/ as user "admin"`);
  if (admin.generatedPassword)
    say(
      `  password (generated; shown only this once, only its hash is stored): ${admin.generatedPassword}`,
    );
  else if (admin.created) say('  password: the value of NETSEC_ADMIN_PASSWORD');
  else say('  password: the one set on the first run (NETSEC_ADMIN_PASSWORD or the generated one)');

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await live.stop();
      await server.close();
    })());
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => void stop().then(() => process.exit(0)));
  if (flags.exitAfter !== undefined) {
    await new Promise((r) => setTimeout(r, duration('--exit-after', flags.exitAfter as string)));
    await stop();
  }
}
