import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'bin/netsec');
const BUILT = existsSync(join(ROOT, 'dist/cli/main.js'));
const dir = mkdtempSync(join(tmpdir(), 'netsec-demo-cli-'));
const db = join(dir, 'data', 'netsec.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The first admin's password for the demo runs (only its hash is stored). */
const ADMIN_PASSWORD = 'demo-test-Passw0rd-long';

const NAMESPACES = [
  'ingress-nginx',
  'frontend',
  'checkout',
  'payments',
  'catalog',
  'orders',
  'monitoring',
  'kube-system',
  'dev-sandbox',
  'batch',
];

/** Runs `netsec demo`, checks /readyz and /api/v1/info while it runs, and returns its output. */
async function runDemo(args: string[]): Promise<{
  out: string;
  ready: boolean;
  info: Record<string, unknown> | null;
  code: number | null;
}> {
  const child = spawn('node', [CLI, 'demo', '--db', db, '--port', '0', ...args], {
    env: { ...process.env, NETSEC_LOG_LEVEL: 'warn', NETSEC_ADMIN_PASSWORD: ADMIN_PASSWORD },
  });
  let out = '';
  let ready = false;
  let info: Record<string, unknown> | null = null;
  let probing: Promise<void> | null = null;
  child.stderr.on('data', () => undefined);
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /server: (http:\/\/\S+)/.exec(out);
    if (m && !probing) {
      const url = m[1] as string;
      probing = (async () => {
        for (let i = 0; i < 100 && !ready; i++) {
          ready = await fetch(`${url}/readyz`).then(
            (r) => r.ok,
            () => false,
          );
          if (!ready) await new Promise((r) => setTimeout(r, 200));
        }
        // Everything but the probes needs sign-in.
        if ((await fetch(`${url}/api/v1/info`)).status !== 401) return;
        const login = await fetch(`${url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
        });
        const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
        info = (await fetch(`${url}/api/v1/info`, { headers: { cookie } }).then((r) =>
          r.json(),
        )) as Record<string, unknown>;
      })();
    }
  });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  await probing;
  return { out, ready, info, code };
}

function flows(args: string[]): Record<string, unknown>[] {
  const r = spawnSync(
    'node',
    [CLI, 'flows', '--db', db, '--since', '3d', '--output', 'ndjson', ...args],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim() === ''
    ? []
    : r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
}

// `npm test` builds dist/ before the tests; without a build the binary cannot run.
describe.skipIf(!BUILT)('netsec demo (real binary, temp data directory)', () => {
  let firstStored = 0;

  it('serves /readyz and the demo flag, backfills a day and streams live traffic', async () => {
    const r = await runDemo(['--days', '1', '--speed', '30', '--exit-after', '6s', '--seed', '4']);
    expect(r.code).toBe(0);
    expect(r.ready).toBe(true);
    expect(r.info).toMatchObject({ demo: true, simulated: true, seed: 4 });
    const m = /history: (\d+) flows/.exec(r.out);
    expect(m).not.toBeNull();
    firstStored = Number(m?.[1]);
    expect(firstStored).toBeGreaterThan(20_000);
    expect(r.out).toMatch(/live traffic: every 15 s/);
    expect(r.out).toMatch(/sign in at http:\/\/\S+\/ as user "admin"/);
    expect(r.out).toMatch(/scenario \S+ started/);
    const labels = JSON.parse(
      readFileSync(join(dir, 'data', 'demo-labels.json'), 'utf8'),
    ) as unknown[];
    expect(labels.length).toBeGreaterThanOrEqual(8);
  }, 120_000);

  it('has denied and allowed flows in every namespace (netsec flows)', () => {
    for (const verdict of ['denied', 'allowed']) {
      const seen = new Set<unknown>();
      for (const f of flows(['--verdict', verdict, '--limit', '0'])) {
        seen.add((f['src'] as { namespace?: unknown }).namespace);
        seen.add((f['dst'] as { namespace?: unknown }).namespace);
      }
      for (const ns of NAMESPACES) expect(seen.has(ns), `${ns} ${verdict}`).toBe(true);
    }
  }, 120_000);

  it('reuses the data on a second run instead of duplicating it', async () => {
    const before = flows(['--verdict', 'denied']).length;
    const r = await runDemo(['--days', '1', '--speed', '30', '--exit-after', '1s', '--seed', '4']);
    expect(r.code, r.out).toBe(0);
    const m =
      /(history already up to date|missing history \(gap since the last run\): (\d+) flows)/.exec(
        r.out,
      );
    expect(m, r.out).not.toBeNull();
    if (m?.[2] !== undefined) expect(Number(m[2])).toBeLessThan(firstStored / 10);
    // Live traffic of the second run adds a little; the history is not sent again.
    const after = flows(['--verdict', 'denied']).length;
    expect(after).toBeLessThan(before * 1.2);
  }, 120_000);

  it('refuses another seed on the same data', async () => {
    const r = await runDemo(['--days', '1', '--seed', '5', '--exit-after', '1s']);
    expect(r.code).toBe(1);
  }, 60_000);
});

describe.skipIf(!BUILT)('netsec simulate (real binary)', () => {
  const sim = (out: string, args: string[]): ReturnType<typeof spawnSync> =>
    spawnSync(
      'node',
      [
        CLI,
        'simulate',
        '--duration',
        '3m',
        '--start',
        '2026-11-20T12:00:00Z',
        '--seed',
        '3',
        '--out',
        join(dir, out),
        ...args,
      ],
      { encoding: 'utf8' },
    );

  it('writes the same bytes for the same seed, and the labels of the scenarios asked for', () => {
    for (const format of ['hubble', 'goldmane', 'accountant']) {
      const a = sim(`${format}-a`, [
        '--format',
        format,
        '--scenario',
        'beacon',
        '--labels',
        join(dir, `${format}-labels.json`),
      ]);
      const b = sim(`${format}-b`, ['--format', format, '--scenario', 'beacon']);
      expect(a.status, String(a.stderr)).toBe(0);
      expect(b.status).toBe(0);
      const text = readFileSync(join(dir, `${format}-a`), 'utf8');
      expect(text.length).toBeGreaterThan(1000);
      expect(readFileSync(join(dir, `${format}-b`), 'utf8')).toBe(text);
      const labels = JSON.parse(readFileSync(join(dir, `${format}-labels.json`), 'utf8')) as {
        type: string;
      }[];
      expect(labels.map((l) => l.type)).toEqual(['beacon']);
    }
  }, 180_000);

  it('rejects an unknown format or scenario with exit code 1', () => {
    expect(sim('x', ['--format', 'pcap']).status).toBe(1);
    expect(sim('x', ['--format', 'hubble', '--scenario', 'meteor']).status).toBe(1);
  });
});
