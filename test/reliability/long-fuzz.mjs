#!/usr/bin/env node
// Long form of the fuzz suites (docs/reliability.md): NETSEC_FUZZ_RUNS runs per property.
//   node test/reliability/long-fuzz.mjs [--runs 100000]
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' } } });
const r = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--test-timeout=86400000',
    'test/reliability/api.fuzz.test.ts',
    'test/reliability/ingest.fuzz.test.ts',
    'test/reliability/text-inputs.fuzz.test.ts',
    'src/formats/parsers.property.test.ts',
  ],
  { cwd: root, env: { ...process.env, NETSEC_FUZZ_RUNS: values.runs }, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
