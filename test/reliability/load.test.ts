/**
 * Load (issue #10), short form for CI: `bench/load.mjs` for 20 s against the built server, with
 * 10 users browsing while 2 clients post flows. It checks what must hold however busy the
 * machine is: every API request and every ingest request answered without a 5xx or any other
 * error, ingest and browsing both made progress, the read workers answered reads, and the
 * server's peak RSS stayed under the Helm chart's memory limit (1 GiB). Latency and throughput
 * are figures, printed here and judged in the long form (`npm run bench:load`, 5 minutes; see
 * docs/benchmarks.md), not asserted: timed assertions on a shared machine would be flaky.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const built = existsSync(new URL('../../dist/cli/main.js', import.meta.url));

interface LoadResult {
  durationS: number;
  ingestFlowsPerSec: number;
  ingestRequests: number;
  ingest5xx: number;
  ingestRefused: number;
  api: { p50: number; p95: number; p99: number; requests: number };
  baseline: { requests: number };
  api5xx: number;
  apiOther: number;
  peakRssMb: number;
  readWorkers: number;
  cacheRequests: Record<string, number>;
}

function runLoad(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bench/load.mjs', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('load, short form', () => {
  it.skipIf(!built && process.env.CI !== 'true')(
    `answers every request without error while ingesting${built ? '' : ' (skipped: dist not built)'}`,
    async () => {
      const { code, out, err } = await runLoad([
        '--duration',
        '20s',
        '--baseline',
        '5s',
        '--users',
        '10',
        '--clients',
        '2',
        '--prefill',
        '20000',
        '--json',
      ]);
      console.log(out);
      expect(code, err).toBe(0);
      const json = out.trim().split('\n').pop() ?? '';
      const r = JSON.parse(json) as LoadResult;
      expect(r.api5xx).toBe(0);
      expect(r.apiOther).toBe(0);
      expect(r.ingest5xx).toBe(0);
      expect(r.api.requests).toBeGreaterThan(20);
      expect(r.baseline.requests).toBeGreaterThan(0);
      expect(r.ingestRequests).toBeGreaterThan(2);
      expect(r.ingestFlowsPerSec).toBeGreaterThan(0);
      expect(r.readWorkers).toBe(2);
      expect(r.cacheRequests.miss ?? 0).toBeGreaterThan(0);
      expect(r.peakRssMb).toBeLessThan(1024);
    },
    180_000,
  );

  // A burst: 24 clients post at once to a server that takes 8 MiB of bodies at a time (about four
  // of these 2,000-flow bodies). The rest are refused with 503 "overloaded" before parsing, and
  // the clients wait the Retry-After; the server stays within its memory, keeps answering the
  // users and goes on storing.
  it.skipIf(!built && process.env.CI !== 'true')(
    `turns a burst away with 503 and Retry-After and keeps serving${built ? '' : ' (skipped: dist not built)'}`,
    async () => {
      const { code, out, err } = await runLoad(
        [
          '--duration',
          '15s',
          '--baseline',
          '3s',
          '--users',
          '5',
          '--clients',
          '24',
          '--prefill',
          '0',
          '--json',
        ],
        { NETSEC_INGEST_MAX_IN_FLIGHT: '8MiB' },
      );
      console.log(out);
      expect(code, err).toBe(0);
      const r = JSON.parse(out.trim().split('\n').pop() ?? '') as LoadResult;
      expect(r.ingestRefused).toBeGreaterThan(0);
      expect(r.ingest5xx).toBe(0);
      expect(r.ingestFlowsPerSec).toBeGreaterThan(0);
      expect(r.api5xx).toBe(0);
      expect(r.apiOther).toBe(0);
      expect(r.api.requests).toBeGreaterThan(5);
      expect(r.peakRssMb).toBeLessThan(1024);
    },
    180_000,
  );
});
