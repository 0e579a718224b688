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
import { createNativeParser } from '../../formats/native/native-parser.js';
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
/** Hubble counters; ALLOWED resets at step 4 (agent restart). */
const DROPS = [0, 2, 2, 5, 9, 9, 10, 14, 14, 15, 20];
const ALLOWED = [40, 50, 65, 80, 3, 10, 30, 31, 60, 61, 70];
const DEV_FORWARDED = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144];

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
  const series = (name: string, labels: string, values: number[]): void => {
    for (let k = 0; k < values.length; k++)
      lines.push(`${name}{${labels}} ${values[k]} ${(T0 + k * STEP) / 1000}`);
  };
  series(
    'hubble_drop_total',
    'cluster="prod",destination="10.0.0.9",protocol="TCP",reason="POLICY_DENIED",source="shop/web-1"',
    DROPS,
  );
  series(
    'hubble_flows_processed_total',
    'cluster="dev",subtype="",type="PolicyVerdict",verdict="FORWARDED"',
    DEV_FORWARDED,
  );
  // In prod the policy-verdict metric exists, so processed PolicyVerdict events would double count.
  series(
    'hubble_flows_processed_total',
    'cluster="prod",subtype="",type="PolicyVerdict",verdict="FORWARDED"',
    DEV_FORWARDED,
  );
  series(
    'hubble_policy_verdicts_total',
    'action="forwarded",cluster="prod",destination_namespace="shop",destination_pod="web-1",direction="ingress",match="l3-l4",source_namespace="shop",source_pod="api-1"',
    ALLOWED,
  );
  series(
    'hubble_policy_verdicts_total',
    'action="dropped",cluster="prod",direction="ingress",match="none"',
    DROPS,
  );
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
    const accountant = (): SourceBatch[] => got.filter((b) => b.format === 'accountant');
    await src.pollOnce(sink);
    expect(accountant()).toHaveLength(1);
    expect(accountant()[0]?.cluster).toBe('prod');
    expect(packets(accountant(), 'allowed')).toBe(expectedDelta(WEB, 0, 5));
    now = T0 + 10 * STEP;
    await src.pollOnce(sink);
    expect(accountant()).toHaveLength(2);
    expect(accountant()[1]?.key).toBe(`promql:prod:${T0 + 5 * STEP}-${T0 + 10 * STEP}`);
    expect(packets(accountant(), 'allowed')).toBe(expectedDelta(WEB, 0, 10));
    expect(packets(accountant(), 'denied')).toBe(expectedDelta(DENY, 0, 10));
    expect(src.health()).toMatchObject({ errors: 0, lastDataAt: T0 + 10 * STEP });
  });

  it('maps the Hubble metrics to flows through the native parser, without double counting', async () => {
    let now = T0 + 5 * STEP;
    const src = new PromqlAccountantSource('promql', {
      url,
      cluster: 'default',
      stepMs: STEP,
      delayMs: 0,
      sinceMs: T0,
      now: () => now,
      families: ['hubble'],
    });
    const got: SourceBatch[] = [];
    await src.pollOnce({ write: async (b) => void got.push(b) });
    now = T0 + 10 * STEP;
    await src.pollOnce({ write: async (b) => void got.push(b) });
    expect(new Set(got.map((b) => b.format))).toEqual(new Set(['native']));
    expect(got.map((b) => b.key)).toContain(`promql-hubble:prod:${T0}-${T0 + 5 * STEP}`);
    const flows = got.flatMap((b) => {
      const parser = createNativeParser({ cluster: b.cluster ?? 'x' });
      const out = b.lines.flatMap((l, i) => {
        const r = parser.parseLine(l, i + 1);
        expect(r.error).toBeUndefined();
        return r.flows;
      });
      return [...out, ...parser.finish().flows];
    });
    const sum = (pred: (f: (typeof flows)[number]) => boolean): number =>
      flows.filter(pred).reduce((n, f) => n + (f.flows ?? 0), 0);
    const prod = (f: (typeof flows)[number]): boolean => f.cluster === 'prod';
    expect(sum((f) => prod(f) && f.verdict === 'denied')).toBe(expectedDelta(DROPS, 0, 10));
    expect(sum((f) => prod(f) && f.verdict === 'allowed')).toBe(expectedDelta(ALLOWED, 0, 10));
    expect(sum((f) => f.cluster === 'dev' && f.verdict === 'allowed')).toBe(
      expectedDelta(DEV_FORWARDED, 0, 10),
    );
    const drop = flows.find((f) => f.verdict === 'denied');
    expect(drop).toMatchObject({
      reason: 'policy-denied',
      dropReason: 'POLICY_DENIED',
      protocol: 'TCP',
      port: null,
      packets: null,
      bytes: null,
      durationMs: STEP,
      src: { kind: 'pod', namespace: 'shop', pod: 'web-1' },
      dst: { ip: '10.0.0.9' },
    });
    const allowed = flows.find((f) => prod(f) && f.verdict === 'allowed');
    expect(allowed).toMatchObject({
      direction: 'ingress',
      src: { namespace: 'shop', pod: 'api-1' },
      dst: { namespace: 'shop', pod: 'web-1' },
    });
    expect(flows.every((f) => f.time + STEP <= T0 + 10 * STEP && f.time >= T0)).toBe(true);
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
