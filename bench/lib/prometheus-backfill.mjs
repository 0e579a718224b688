// Debian's Prometheus for the query benchmark: OpenMetrics backfilled into blocks with
// `promtool tsdb create-blocks-from openmetrics`, then `prometheus` on that directory on a free
// loopback port, with no scrape targets.
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';

import { freePort } from './bench-server.mjs';

const { fetch, URLSearchParams } = globalThis;

export async function writeChunks(path, chunks) {
  const out = createWriteStream(path, { highWaterMark: 1 << 22 });
  for (const c of chunks) {
    if (!out.write(c)) await new Promise((r) => out.once('drain', r));
  }
  out.end();
  await new Promise((r) => out.on('finish', r));
}

/**
 * `promtool tsdb create-blocks-from openmetrics` with blocks as long as the data (up to 31
 * days): with the default 2-hour blocks promtool reads the whole input once per block, ~360
 * passes over 30 days. Resolves to the seconds it took.
 */
export function backfill(input, dataDir, maxBlockHours) {
  mkdirSync(dataDir, { recursive: true });
  return new Promise((res, rej) => {
    const t = performance.now();
    const c = spawn(
      'promtool',
      [
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        '--quiet',
        `--max-block-duration=${maxBlockHours}h`,
        input,
        dataDir,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    c.on('error', rej);
    c.on('exit', (code) =>
      code === 0 ? res((performance.now() - t) / 1000) : rej(new Error(`promtool exited ${code}`)),
    );
  });
}

export async function startPrometheus(dir, dataDir) {
  writeFileSync(
    join(dir, 'prometheus.yml'),
    'global:\n  scrape_interval: 1m\nscrape_configs: []\n',
  );
  const port = await freePort();
  const child = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=400d',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}`);
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 1200) throw new Error('prometheus did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = () =>
    new Promise((res) => {
      if (child.exitCode !== null) return res();
      child.once('exit', () => res());
      child.kill('SIGTERM');
    });
  return { url, pid: child.pid, stop };
}

/** One PromQL request (instant when `range` is absent); resolves after the body is parsed. */
export async function promQuery(url, expr, time, range) {
  const params = new URLSearchParams({ query: expr });
  let path = '/api/v1/query';
  if (range) {
    path = '/api/v1/query_range';
    params.set('start', String(range.start / 1000));
    params.set('end', String(range.end / 1000));
    params.set('step', `${range.stepMs / 1000}s`);
  } else {
    params.set('time', String(time / 1000));
  }
  const t = performance.now();
  const r = await fetch(`${url}${path}?${params}`);
  const body = await r.json();
  const ms = performance.now() - t;
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? r.status}`);
  return { ms, series: body.data.result.length };
}
