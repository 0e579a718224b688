#!/usr/bin/env node
// Long form of the crash-safety test (docs/reliability.md): many more kill -9s than CI runs.
//   npx tsc -p tsconfig.build.json && node test/reliability/long-crash.mjs [--kills 200] [--clients 8] [--seed N]
// Runs test/reliability/crash.test.ts through vitest with NETSEC_CRASH_* set; the seed is
// printed, and NETSEC_CRASH_SEED=<seed> replays a run's kill moments.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '200' },
    clients: { type: 'string', default: '8' },
    seed: { type: 'string' },
  },
});
const env = {
  ...process.env,
  NETSEC_CRASH_KILLS: values.kills,
  NETSEC_CRASH_CLIENTS: values.clients,
  ...(values.seed ? { NETSEC_CRASH_SEED: values.seed } : {}),
};
const r = spawnSync('npx', ['vitest', 'run', 'test/reliability/crash.test.ts'], {
  cwd: root,
  env,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
