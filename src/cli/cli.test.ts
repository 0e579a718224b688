// Drives the built CLI (./bin/netsec → dist/) as a user would, on a real SQLite file.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'netsec');
const FIXTURES = join(ROOT, 'src', 'testing', 'fixtures', 'formats');
const dir = mkdtempSync(join(tmpdir(), 'netsec-cli-'));

function netsec(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NETSEC_LOG_LEVEL: 'warn', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function hubbleLine(pod: string, verdict: 'DROPPED' | 'FORWARDED', port: number): string {
  return JSON.stringify({
    flow: {
      time: '2025-03-04T10:00:00.000000001Z',
      verdict,
      ...(verdict === 'DROPPED' ? { drop_reason_desc: 'POLICY_DENIED' } : {}),
      IP: { source: '10.0.1.1', destination: '10.0.2.2', ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 40000, destination_port: port, flags: { SYN: true } } },
      source: { namespace: 'evil', pod_name: pod },
      destination: { namespace: 'shop', pod_name: 'cart-0' },
      traffic_direction: 'INGRESS',
      event_type: { type: verdict === 'DROPPED' ? 1 : 5 },
      is_reply: false,
    },
    node_name: 'n1',
    time: '2025-03-04T10:00:00.000000001Z',
  });
}

beforeAll(() => {
  // The build may report other areas' in-progress type errors; it still emits dist/.
  spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
  expect(existsSync(join(ROOT, 'dist', 'cli', 'main.js'))).toBe(true);
}, 120_000);

describe('netsec CLI', () => {
  it('--help lists the commands', () => {
    const r = netsec(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['serve', 'import', 'flows', 'summary', 'tokens']) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${c}\\b`, 'm'));
    }
  });

  it('imports with bad lines: exit 2, line numbers, rejects file, JSON summary', () => {
    const db = join(dir, 'bad.db');
    const rejects = join(dir, 'rejects.ndjson');
    const r = netsec([
      'import',
      '--format',
      'hubble',
      join(FIXTURES, 'hubble-flows.jsonl'),
      join(FIXTURES, 'hubble-bad.jsonl'),
      '--db',
      db,
      '--rejects',
      rejects,
      '--json',
    ]);
    expect(r.code).toBe(2);
    const s = JSON.parse(r.stdout) as {
      read: number;
      stored: number;
      rejected: number;
      errors: { line: number; input: string }[];
    };
    expect(s.rejected).toBeGreaterThan(0);
    expect(s.stored).toBeGreaterThan(0);
    expect(s.errors[0]).toMatchObject({ input: expect.stringContaining('hubble-bad.jsonl') });
    expect(s.errors.every((e) => Number.isInteger(e.line) && e.line > 0)).toBe(true);
    const rej = readFileSync(rejects, 'utf8').trim().split('\n');
    expect(rej).toHaveLength(s.rejected);
    expect(JSON.parse(rej[0]!)).toMatchObject({
      line: s.errors[0]!.line,
      text: expect.any(String),
    });

    const human = netsec([
      'import',
      '--format',
      'hubble',
      join(FIXTURES, 'hubble-bad.jsonl'),
      '--db',
      db,
    ]);
    expect(human.code).toBe(2);
    expect(human.stdout).toMatch(/Rejected: +\d+/);
    expect(human.stdout).toMatch(/hubble-bad\.jsonl:\d+: /);
  });

  it('exits 0 when everything is accepted, reads .gz, and counts a re-import once', () => {
    const db = join(dir, 'gz.db');
    const gz = join(dir, 'flows.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(join(FIXTURES, 'hubble-flows.jsonl'))));
    const first = netsec(['import', '--format', 'hubble', gz, '--db', db, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ flows: 16, stored: 16, rejected: 0 });
    const again = netsec(['import', '--format', 'hubble', gz, '--db', db, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ flows: 16, stored: 0, duplicateBatches: 1 });
  });

  it('exits 1 on a fatal error and names the problem', () => {
    const missing = netsec([
      'import',
      '--format',
      'hubble',
      join(dir, 'nope.jsonl'),
      '--db',
      join(dir, 'x.db'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.jsonl: no such file');
    const badEnv = netsec(['flows', '--db', join(dir, 'x.db')], { NETSEC_LOG_LEVEL: 'loud' });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toContain('environment NETSEC_LOG_LEVEL: expected one of');
    // A PostgreSQL URL given as the SQLite path: refused, nothing created, password not shown.
    const url = netsec(['tokens', 'create', '--name', 'c', '--db', 'postgresql://u:pw9@db/x']);
    expect(url.code).toBe(1);
    expect(url.stderr).toContain('--db: expected a SQLite file path, not a URL');
    expect(url.stderr).toContain('"postgresql://u:***@db/x"');
    expect(url.stderr).not.toContain('pw9');
    expect(existsSync(join(dir, 'postgresql:'))).toBe(false);
  });

  it('lists denied flows; escapes the terminal table and defends CSV cells', () => {
    const db = join(dir, 'evil.db');
    const file = join(dir, 'evil.jsonl');
    writeFileSync(
      file,
      [
        hubbleLine('x\u001b[2J\u001b]0;owned\u0007', 'DROPPED', 5432),
        hubbleLine('=HYPERLINK("http://evil")', 'DROPPED', 443),
        hubbleLine('fine', 'FORWARDED', 80),
      ].join('\n'),
    );
    expect(netsec(['import', '--format', 'hubble', file, '--db', db]).code).toBe(0);

    const table = netsec(['flows', '--db', db, '--verdict', 'denied']);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toContain('\u001b');
    expect(table.stdout).not.toContain('\u0007');
    expect(table.stdout).toContain('evil/x\\x1b[2J\\x1b]0;owned\\x07');
    expect(table.stdout).toMatch(/5432\/TCP +ingress +denied +policy-denied/);

    const csv = netsec(['flows', '--db', db, '--verdict', 'denied', '--output', 'csv']);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^time,cluster,src_namespace,src_pod,/);
    expect(csv.stdout).toContain(`,"'=HYPERLINK(""http://evil"")",`);

    const nd = netsec(['flows', '--db', db, '--output', 'ndjson', '--port', '443']);
    const lines = nd.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ v: 1, port: 443, verdict: 'denied' });

    const bad = netsec(['flows', '--db', db, '--verdict', 'maybe']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--verdict');
  });

  it.skipIf(!existsSync('/usr/bin/script'))(
    'shows how far a slow search has come on a terminal, and clears it before the table',
    () => {
      const db = join(dir, 'evil.db');
      if (!existsSync(db)) {
        const file = join(dir, 'progress.jsonl');
        writeFileSync(file, hubbleLine('far-back', 'DROPPED', 5432));
        expect(netsec(['import', '--format', 'hubble', file, '--db', db]).code).toBe(0);
      }
      // A budget of 0: each page stops after one time slice, as a search over weeks of a busy
      // cluster does after a second. The events are from 2025, so most slices find nothing.
      const env = { ...process.env, NETSEC_LOG_LEVEL: 'warn', NETSEC_FLOW_SEARCH_MS: '0' };
      const cmd = [process.execPath, BIN, 'flows', '--db', db, '--port', '5432'].join(' ');
      // util-linux `script` runs the command on a pseudo-terminal and copies what it shows.
      const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
        cwd: dir,
        encoding: 'utf8',
        env,
      });
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/searching: back to \d{4}-\d\d-\d\d \d\d:\d\d UTC, 0 rows so far/);
      // The line is cleared before the table, which is all that stays on the screen.
      expect(r.stdout).toContain('so far\r\u001b[2KTIME ');
      expect(r.stdout).toMatch(/5432\/TCP +ingress +denied/);
      // Not on a terminal: no progress at all.
      const plain = netsec(['flows', '--db', db, '--port', '5432'], { NETSEC_FLOW_SEARCH_MS: '0' });
      expect(plain.stderr).toBe('');
      expect(plain.stdout).toMatch(/^TIME +SOURCE/);
    },
  );

  it.each([
    ['goldmane', 'goldmane-flows.jsonl', 'goldmane-bad.jsonl'],
    ['calico-flowlog', 'calico-flowlog.jsonl', 'calico-flowlog-bad.jsonl'],
    ['accountant', 'accountant-scrapes.prom', 'accountant-bad.prom'],
    ['native', 'native-flows.ndjson', 'native-bad.ndjson'],
  ])('imports %s fixtures and lists their denied flows', (format, good, bad) => {
    const db = join(dir, `${format}.db`);
    const ok = netsec(['import', '--format', format, join(FIXTURES, good), '--db', db, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).stored).toBeGreaterThan(0);
    const rejected = netsec([
      'import',
      '--format',
      format,
      join(FIXTURES, bad),
      '--db',
      db,
      '--json',
    ]);
    expect(rejected.code).toBe(2);
    const errs = (JSON.parse(rejected.stdout) as { errors: { line: number }[] }).errors;
    expect(errs.length).toBeGreaterThan(0);
    expect(errs.every((e) => e.line > 0)).toBe(true);
    const denied = netsec(['flows', '--db', db, '--verdict', 'denied', '--output', 'ndjson']);
    expect(denied.code).toBe(0);
    const flows = denied.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { verdict: string });
    expect(flows.length).toBeGreaterThan(0);
    expect(flows.every((f) => f.verdict === 'denied')).toBe(true);
  });

  it('re-imports its own NDJSON output with --format native', () => {
    const src = join(dir, 'bad.db');
    const nd = netsec(['flows', '--db', src, '--output', 'ndjson']);
    const file = join(dir, 'export.ndjson');
    writeFileSync(file, nd.stdout);
    const count = nd.stdout.trim().split('\n').length;
    const r = netsec([
      'import',
      '--format',
      'native',
      file,
      '--db',
      join(dir, 'copy.db'),
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ flows: count, stored: count, rejected: 0 });
    const copy = netsec(['flows', '--db', join(dir, 'copy.db'), '--output', 'ndjson']);
    expect(copy.stdout.trim().split('\n')).toHaveLength(count);
  });

  it('summarises per namespace and direction, with JSON', () => {
    const db = join(dir, 'evil.db');
    const s = netsec([
      'summary',
      '--db',
      db,
      '--from',
      '2025-03-04T00:00:00Z',
      '--to',
      '2025-03-05T00:00:00Z',
      '--json',
    ]);
    expect(s.code).toBe(0);
    const body = JSON.parse(s.stdout) as {
      rows: { namespace: string; direction: string; denied: { flows: { value: number } } }[];
    };
    expect(body.rows).toContainEqual(
      expect.objectContaining({
        namespace: 'shop',
        direction: 'ingress',
        denied: expect.objectContaining({ flows: { value: 2, partial: false } }),
      }),
    );
  });

  it('creates, lists and revokes tokens; only the hash is stored', () => {
    const db = join(dir, 'tokens.db');
    const created = netsec([
      'tokens',
      'create',
      '--name',
      'collector',
      '--cluster',
      'prod',
      '--db',
      db,
      '--json',
    ]);
    expect(created.code).toBe(0);
    const { token, id } = JSON.parse(created.stdout) as { token: string; id: string };
    expect(token).toMatch(/^nsi_/);
    const list = netsec(['tokens', 'list', '--db', db]);
    expect(list.stdout).toContain('collector');
    expect(list.stdout).not.toContain(token);
    expect(readFileSync(db).includes(Buffer.from(token))).toBe(false);
    expect(netsec(['tokens', 'revoke', id, '--db', db]).code).toBe(0);
    expect(netsec(['tokens', 'list', '--db', db]).stdout).toContain('revoked');
  });

  it('serve binds 127.0.0.1 and answers /healthz', async () => {
    const db = join(dir, 'serve.db');
    const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0'], {
      cwd: dir,
      env: { ...process.env, NETSEC_LOG_LEVEL: 'info', HOST: '' },
    });
    try {
      const url = await new Promise<string>((res, rej) => {
        let buf = '';
        const timer = setTimeout(() => rej(new Error(`no listen line in: ${buf}`)), 20_000);
        child.stdout?.on('data', (d: Buffer) => {
          buf += d.toString();
          const m = /listening at (http:\/\/[^"\s]+)/i.exec(buf);
          if (m) {
            clearTimeout(timer);
            res(m[1]!);
          }
        });
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
