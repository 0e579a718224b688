import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { parseBytes } from './collect-command.js';
import { buildProgram } from './main.js';

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

describe('netsec collect', () => {
  it('parses buffer sizes', () => {
    expect(parseBytes('512MB')).toBe(512 * 1024 ** 2);
    expect(parseBytes('64k')).toBe(64 * 1024);
    expect(parseBytes('1000')).toBe(1000);
    expect(() => parseBytes('lots')).toThrow(/size/);
  });

  it('refuses a bad source spec or policy with a message and a failing exit code', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const dir = mkdtempSync(join(tmpdir(), 'netsec-collect-'));
    const base = [
      'node',
      'netsec',
      'collect',
      '--to',
      'http://127.0.0.1:9/api/v1/ingest',
      '--token',
      't',
    ];
    await buildProgram().parseAsync([...base, '--source', 'ftp://x', '--buffer-dir', dir]);
    expect(process.exitCode).toBeGreaterThan(0);
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/unknown source scheme/);
    process.exitCode = undefined;
    await buildProgram().parseAsync([
      ...base,
      '--source',
      'file:///tmp/x.log',
      '--buffer-full',
      'sometimes',
      '--buffer-dir',
      dir,
    ]);
    expect(process.exitCode).toBeGreaterThan(0);
    expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/block or drop-oldest/);
  });
});
