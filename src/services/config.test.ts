import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig, namedCidrsFor } from './config.js';

const dir = mkdtempSync(join(tmpdir(), 'netsec-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('gives the documented defaults', () => {
    const c = loadConfig({ env: {} });
    expect(c.server).toEqual({
      host: '127.0.0.1',
      port: 8080,
      bodyLimitBytes: 16 * 1024 ** 2,
      answerCacheMs: 5000,
      flowSearchMs: 1000,
    });
    expect(c.store).toEqual({ path: './data/netsec.db', url: null, readWorkers: 2 });
    expect(c.retention.raw).toBe(7 * 86_400_000);
    expect(c.retention.rollup1h).toBe(400 * 86_400_000);
    expect(c.retention.records).toBe(3 * 365 * 86_400_000);
    expect(c.log.level).toBe('info');
  });

  it('applies flags over environment over file', () => {
    const p = file(
      'layers.yaml',
      'server:\n  host: 0.0.0.0\n  port: 9000\nstore:\n  path: /tmp/a.db\nlog:\n  level: debug\n',
    );
    const c = loadConfig({
      configPath: p,
      env: { PORT: '9100', NETSEC_DB: '/tmp/b.db' },
      flags: { 'store.path': { flag: '--db', value: '/tmp/c.db' } },
    });
    expect(c.server.host).toBe('0.0.0.0');
    expect(c.server.port).toBe(9100);
    expect(c.store.path).toBe('/tmp/c.db');
    expect(c.log.level).toBe('debug');
  });

  it('reads the file named by NETSEC_CONFIG', () => {
    const p = file('env.yaml', 'retention:\n  raw: 14d\n');
    expect(loadConfig({ env: { NETSEC_CONFIG: p } }).retention.raw).toBe(14 * 86_400_000);
  });

  it('names the file, the key path and what is expected for a bad value', () => {
    const p = file('bad.yaml', 'retention:\n  raw: seven\n');
    expect(problems(() => loadConfig({ configPath: p, env: {} }))).toEqual([
      `${p}: retention.raw: expected a duration like 7d, got "seven"`,
    ]);
  });

  it('names an unknown key and lists the known ones', () => {
    const p = file('unknown.yaml', 'server:\n  prot: 80\nextra: 1\n');
    const msgs = problems(() => loadConfig({ configPath: p, env: {} }));
    expect(msgs).toContain(
      `${p}: server.prot: unknown key (expected one of host, port, bodyLimitBytes, answerCacheMs, flowSearchMs, tlsCert, tlsKey)`,
    );
    expect(msgs.some((m) => m.startsWith(`${p}: extra: unknown key`))).toBe(true);
    const bad = file('workers.yaml', 'store:\n  readWorkers: 99\nserver:\n  answerCacheMs: -1\n');
    expect(problems(() => loadConfig({ configPath: bad, env: {} }))).toEqual([
      `${bad}: server.answerCacheMs: expected a whole number of milliseconds between 0 and 60000, got -1`,
      `${bad}: store.readWorkers: expected a whole number between 0 and 16, got 99`,
    ]);
    expect(
      loadConfig({ env: { NETSEC_READ_WORKERS: '0', NETSEC_DASHBOARD_CACHE_TTL_MS: '0' } }),
    ).toMatchObject({ store: { readWorkers: 0 }, server: { answerCacheMs: 0 } });
    expect(loadConfig({ env: { NETSEC_FLOW_SEARCH_MS: '250' } }).server.flowSearchMs).toBe(250);
  });

  it('names keys inside lists', () => {
    const p = file('cidrs.yaml', 'externalCidrs:\n  - name: vpn\n    cidr: 10.0.0.0/99\n');
    expect(problems(() => loadConfig({ configPath: p, env: {} }))).toEqual([
      `${p}: externalCidrs[0].cidr: expected a CIDR like 10.8.0.0/16, got "10.0.0.0/99"`,
    ]);
  });

  it('names the environment variable and the flag', () => {
    expect(problems(() => loadConfig({ env: { PORT: 'eighty' } }))).toEqual([
      'environment PORT: expected a port number 0-65535, got "eighty"',
    ]);
    expect(
      problems(() =>
        loadConfig({ env: {}, flags: { 'server.port': { flag: '--port', value: '70000' } } }),
      ),
    ).toEqual(['--port: expected a port number 0-65535, got "70000"']);
    expect(problems(() => loadConfig({ env: { NETSEC_LOG_LEVEL: 'loud' } }))[0]).toMatch(
      /^environment NETSEC_LOG_LEVEL: expected one of fatal, error/,
    );
  });

  it('refuses a URL as the SQLite path, and never echoes a URL password', () => {
    const db = (value: string) => ({ 'store.path': { flag: '--db', value } });
    expect(
      problems(() => loadConfig({ env: {}, flags: db('postgresql://netsec:s3cret@db:5432/x') })),
    ).toEqual([
      '--db: expected a SQLite file path, not a URL (a PostgreSQL store is store.url: --store or NETSEC_STORE_URL), got "postgresql://netsec:***@db:5432/x"',
    ]);
    expect(problems(() => loadConfig({ env: { NETSEC_DB: 'file:///var/x.db' } }))[0]).toMatch(
      /^environment NETSEC_DB: expected a SQLite file path, not a URL/,
    );
    const bad = problems(() =>
      loadConfig({ env: { NETSEC_STORE_URL: 'postgres://u:pa:ss@h/db name' } }),
    );
    expect(bad[0]).toContain('"postgres://u:***@h/db name"');
    expect(bad.join('\n')).not.toContain('pa:ss');
    // Paths, Windows drive letters included, are still paths.
    for (const p of ['./data/netsec.db', '/var/lib/netsec/x.db', 'C:\\netsec\\x.db', 'a:b.db']) {
      expect(loadConfig({ env: {}, flags: db(p) }).store.path).toBe(p);
    }
  });
  it('reports YAML syntax errors and a missing file with the file name', () => {
    const p = file('syntax.yaml', 'server: [\n');
    expect(problems(() => loadConfig({ configPath: p, env: {} }))[0]).toContain(`${p}: `);
    expect(problems(() => loadConfig({ configPath: join(dir, 'nope.yaml'), env: {} }))[0]).toMatch(
      /nope\.yaml: cannot read/,
    );
  });

  it('refuses a file nested too deeply, or holding several documents, naming where', () => {
    const deep = file('deep.yaml', `server:\n  x: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`);
    // Two block columns and 255 open brackets pass the bound (2 × 128 + 2); the first is at 6.
    expect(problems(() => loadConfig({ configPath: deep, env: {} }))).toEqual([
      `${deep}: nested too deeply at line 2, column ${6 + 254} (up to 128 levels are read)`,
    ]);
    const two = file('two.yaml', 'server: {}\n---\nserver: {}\n');
    expect(problems(() => loadConfig({ configPath: two, env: {} }))).toEqual([
      `${two}: holds 2 YAML documents where one is expected`,
    ]);
  });

  it('accepts sizes and resolves named CIDRs per cluster before the global ones', () => {
    const p = file(
      'full.yaml',
      [
        'server: { bodyLimitBytes: 1MiB }',
        'externalCidrs: [{ name: corp, cidr: 10.0.0.0/8 }]',
        'clusters: [{ name: prod, externalCidrs: [{ name: vpn, cidr: 10.8.0.0/16 }] }]',
      ].join('\n'),
    );
    const c = loadConfig({ configPath: p, env: {} });
    expect(c.server.bodyLimitBytes).toBe(1024 * 1024);
    expect(namedCidrsFor(c, 'prod').map((n) => n.name)).toEqual(['vpn', 'corp']);
    expect(namedCidrsFor(c, 'other').map((n) => n.name)).toEqual(['corp']);
  });
});
