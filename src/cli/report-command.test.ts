/**
 * `netsec report` in process: issue an annual HTML report from a database, verify it (exit 0,
 * who issued it for which period), then a modified copy (exit 1, the reason); a bad period
 * names the value and the form expected.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { CONFIG_DEFAULTS } from '../api/config-schema.js';
import { buildServices, openFlowStore } from '../services/config-store.js';
import { makeFlow } from '../testing/flow-factory.js';
import { main } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'netsec-report-cli-'));
const db = join(dir, 'netsec.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  const config = structuredClone(CONFIG_DEFAULTS);
  config.store.path = db;
  const s = buildServices(await openFlowStore(config), { config });
  await s.store.writeBatch({
    id: 'b1',
    flows: [makeFlow({ time: Date.UTC(2026, 2, 3, 10), flows: 3 })],
    source: 'hubble',
    receivedAt: Date.now(),
  });
  await s.close();
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((c) => {
    out += String(c);
    return true;
  });
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((c) => {
    err += String(c);
    return true;
  });
  const before = process.exitCode;
  process.exitCode = 0;
  try {
    await main(['node', 'netsec', ...args]);
    return { code: Number(process.exitCode ?? 0), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = before;
  }
}

describe('netsec report', () => {
  it('issues a report, verifies it, and rejects a modified copy', async () => {
    const file = join(dir, 'annual.html');
    const conclusions = join(dir, 'conclusions.txt');
    writeFileSync(conclusions, 'Protection adequate; isolate shop/frontend by Q2.');
    const issued = await run([
      'report',
      'annual',
      '--period',
      '2026',
      '--format',
      'html',
      '--out',
      file,
      '--db',
      db,
      '--conclusions',
      conclusions,
      '--signed-by',
      'Eva Ek',
    ]);
    expect(issued.err).toBe('');
    expect(issued.code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('isolate shop/frontend by Q2');
    expect(html).toContain('Eva Ek');
    expect(issued.out).toMatch(/^[0-9a-f]{64} {2}/);

    const ok = await run(['report', 'verify', file, '--db', db]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/verified: annual report for 2026 \(html\), issued by cli:/);

    const modified = join(dir, 'modified.html');
    writeFileSync(modified, html.replace('adequate', 'excellent'));
    const bad = await run(['report', 'verify', modified, '--db', db]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/NOT VERIFIED: unknown hash/);
  });

  it('writes CSV appendices into a directory', async () => {
    const out = join(dir, 'csv');
    const r = await run([
      'report',
      'monthly',
      '--period',
      '2026-03',
      '--format',
      'csv',
      '--out',
      out,
      '--db',
      db,
    ]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).length).toBeGreaterThan(5);
    const monthly = readdirSync(out).find((f) => f.includes('traffic-by-month'));
    expect(readFileSync(join(out, monthly!), 'utf8')).toMatch(/^month,denied flows/);
  });

  it('names a bad period and the form expected', async () => {
    const r = await run([
      'report',
      'daily',
      '--period',
      '2026-11',
      '--format',
      'json',
      '--out',
      join(dir, 'x.json'),
      '--db',
      db,
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad daily period "2026-11": expected YYYY-MM-DD \(e\.g\. 2026-11-25\)/);
  });
});
