/**
 * The built CLI on a PostgreSQL store chosen by URL (`NETSEC_STORE_URL`, the same setting as
 * `--store`): import, re-import (idempotent) and read back. Needs `dist/` (npm test builds it).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

import { expect, it } from 'vitest';

import { REPO_ROOT } from '../../testing/netsec-cli.js';
import { describePostgres } from '../../testing/postgres-server.js';

const HUBBLE = resolve(REPO_ROOT, 'src/testing/fixtures/formats/hubble-flows.jsonl');

function netsec(args: string[], url: string): { status: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [resolve(REPO_ROOT, 'bin/netsec'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NETSEC_STORE_URL: url },
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describePostgres('netsec on a PostgreSQL store URL', (server) => {
  it('imports once, counts a repeated import as duplicate, and lists the flows', async () => {
    const url = await server().createDatabase();
    const first = netsec(['import', '--format', 'hubble', HUBBLE, '--json'], url);
    expect(first.err).toBe('');
    expect(JSON.parse(first.out)).toMatchObject({ stored: 16, duplicateBatches: 0 });
    const again = JSON.parse(netsec(['import', '--format', 'hubble', HUBBLE, '--json'], url).out);
    expect(again).toMatchObject({ stored: 0, duplicateBatches: 1 });
    const listed = netsec(['flows', '--output', 'ndjson'], url);
    expect(listed.status).toBe(0);
    const lines = listed.out.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ cluster: 'prod-eu1' });
    await server().dropDatabase(url);
  });

  it('names the database without its password when it cannot connect', () => {
    const bad = new URL(server().adminUrl);
    bad.password = 'hunter2';
    bad.pathname = '/does_not_exist';
    const r = netsec(['flows', '--output', 'ndjson'], bad.toString());
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/PostgreSQL store at postgres:\/\/postgres:\*\*\*@.*does_not_exist/);
    expect(r.err).not.toContain('hunter2');
  });
});
