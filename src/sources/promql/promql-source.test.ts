/**
 * Against Debian's real `prometheus`, loaded by backfilling OpenMetrics with
 * `promtool tsdb create-blocks-from openmetrics`. Skipped (with this reason) on machines
 * without the two binaries.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createAccountantParser } from '../../formats/accountant/accountant-parser.js';
import type { SourceBatch } from '../source.js';
import { matrixToDumps, PromqlAccountantSource } from './promql-source.js';

function has(bin: string): boolean {
  try {
    execFileSync(bin, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const AVAILABLE = has('prometheus') && has('promtool');

const STEP = 60_000;
const T0 = Math.floor((Date.now() - 3 * 3_600_000) / STEP) * STEP;
/** Counter values per step; the drop at step 6 is a reset (Felix rewrote its chains). */
const WEB = [100, 130, 160, 220, 230, 300, 20, 50, 90, 95, 140];
const DENY = [5, 5, 7, 7, 9, 12, 15, 15, 18, 30, 31];

function expectedDelta(values: number[], from: number, to: number): number {
  let sum = 0;
  for (let k = from + 1; k <= to; k++) {
    const v = values[k] as number;
    const p = values[k - 1] as number;
    sum += v >= p ? v - p : v;
  }
  return sum;
}

function openMetrics(): string {
  const lines: string[] = [];
  const labels = (pod: string, extra: string): string =>
    `app="web",cluster="prod",exported_pod="${pod}",ip="10.0.0.5",namespace="calico-accountant",pod="accountant-x1",pod_namespace="shop",${extra}`;
  for (let k = 0; k < WEB.length; k++) {
    const t = (T0 + k * STEP) / 1000;
    lines.push(
      `policy_accept_counter{${labels('web-1', 'policy="shop/knp.default.allow-web",type="tw"')}} ${WEB[k]} ${t}`,
    );
  }
  for (let k = 0; k < DENY.length; k++) {
    const t = (T0 + k * STEP) / 1000;
    lines.push(`no_policy_drop_counter{${labels('web-1', 'type="tw"')}} ${DENY[k]} ${t}`);
  }
  // OpenMetrics wants each family's samples together and in time order, as above.
  return `${lines.join('\n')}\n# EOF\n`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function packets(batches: SourceBatch[], verdict: 'allowed' | 'denied'): number {
  let n = 0;
  for (const b of batches) {
    const parser = createAccountantParser({ cluster: b.cluster ?? 'x' });
    const flows = b.lines.flatMap((l, i) => parser.parseLine(l, i + 1).flows);
    flows.push(...parser.finish().flows);
    for (const f of flows) if (f.verdict === verdict) n += f.packets ?? 0;
  }
  return n;
}

describe.skipIf(!AVAILABLE)('PromQL source against a real Prometheus', () => {
  let prom: ChildProcess | null = null;
  let url = '';

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsec-prom-'));
    const data = join(dir, 'data');
    mkdirSync(data);
    writeFileSync(join(dir, 'input.om'), openMetrics());
    execFileSync(
      'promtool',
      ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'input.om'), data],
      {
        stdio: 'ignore',
      },
    );
    writeFileSync(
      join(dir, 'prometheus.yml'),
      'global:\n  scrape_interval: 1m\nscrape_configs: []\n',
    );
    const port = await freePort();
    prom = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${data}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--storage.tsdb.retention.time=30d',
      ],
      { stdio: 'ignore' },
    );
    url = `http://127.0.0.1:${port}`;
    const end = Date.now() + 25_000;
    for (;;) {
      const ok = await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > end) throw new Error('prometheus did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 40_000);

  afterAll(() => {
    if (prom?.pid !== undefined) process.kill(prom.pid, 'SIGTERM');
  });

  it('turns the backfilled counters into per-step deltas, resets included, in two polls', async () => {
    let now = T0 + 5 * STEP;
    const src = new PromqlAccountantSource('promql', {
      url,
      cluster: 'default',
      stepMs: STEP,
      delayMs: 0,
      sinceMs: T0,
      now: () => now,
    });
    const got: SourceBatch[] = [];
    const sink = { write: async (b: SourceBatch) => void got.push(b) };
    await src.pollOnce(sink);
    expect(got).toHaveLength(1);
    expect(got[0]?.cluster).toBe('prod');
    expect(packets(got, 'allowed')).toBe(expectedDelta(WEB, 0, 5));
    now = T0 + 10 * STEP;
    await src.pollOnce(sink);
    expect(got).toHaveLength(2);
    expect(got[1]?.key).toBe(`promql:prod:${T0 + 5 * STEP}-${T0 + 10 * STEP}`);
    expect(packets(got, 'allowed')).toBe(expectedDelta(WEB, 0, 10));
    expect(packets(got, 'denied')).toBe(expectedDelta(DENY, 0, 10));
    expect(src.health()).toMatchObject({ errors: 0, lastDataAt: T0 + 10 * STEP });
  });

  it('reports a bad query answer as an error', async () => {
    const src = new PromqlAccountantSource('promql', {
      url,
      cluster: 'default',
      matchers: 'cluster=~"("',
      delayMs: 0,
    });
    await expect(src.pollOnce({ write: async () => undefined })).rejects.toThrow(/query_range/);
  });
});

describe('matrix to exposition dump', () => {
  it('escapes label values and groups by cluster', () => {
    const dumps = matrixToDumps([
      {
        metric: { __name__: 'policy_accept_counter', cluster: 'a', pod: 'x"y' },
        values: [[1, '2']],
      },
      { metric: { __name__: 'no_policy_drop_counter' }, values: [[2.5, '3']] },
      { metric: { __name__: 'bad name' }, values: [[1, '1']] },
    ]);
    expect(dumps.get('a')).toEqual(['policy_accept_counter{cluster="a",pod="x\\"y"} 2 1000']);
    expect(dumps.get(null)).toEqual(['no_policy_drop_counter{} 3 2500']);
  });
});
