#!/usr/bin/env node
// The README's test command. Installs the Debian packages the tests need when it runs as root
// and they are missing, type-checks, lints, runs vitest, and ends with `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NEEDED = [
  ['/usr/bin/chromium', 'chromium'],
  ['/usr/bin/prometheus', 'prometheus'],
  ['/usr/bin/prometheus-alertmanager', 'prometheus-alertmanager'],
  ['/usr/lib/postgresql', 'postgresql'],
  // pdftoppm: the report tests render PDF pages to images.
  ['/usr/bin/pdftoppm', 'poppler-utils'],
  // dot: the connectivity graph is rendered with Graphviz (netsec policy connlist).
  ['/usr/bin/dot', 'graphviz'],
];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return r.status ?? 1;
}

const missing = NEEDED.filter(([path]) => !existsSync(path)).map(([, pkg]) => pkg);
if (missing.length > 0 && process.getuid?.() === 0) {
  console.log(`Installing Debian packages the tests need: ${missing.join(' ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', ...missing], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
} else if (missing.length > 0) {
  console.log(`Not root: tests that need ${missing.join(', ')} will be skipped with a reason.`);
}

let failed = 0;
let passed = 0;
const checks = [
  ['build (server and web UI)', 'npm', ['run', '--silent', 'build']],
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']],
  ['typecheck web', 'npx', ['tsc', '-p', 'web/tsconfig.json']],
  ['lint', 'npx', ['eslint', '--max-warnings=0', '.']],
];
for (const [name, cmd, args] of checks) {
  console.log(`\n== ${name}`);
  if (run(cmd, args) === 0) passed += 1;
  else {
    failed += 1;
    console.log(`${name}: FAILED`);
  }
}

// The chart tests run the pinned Helm binary; fetch it once here rather than in each test file
// at the same time. A failure shows here, and again in those tests, which then fail.
console.log('\n== helm (the pinned binary the chart tests run)');
run(process.execPath, ['scripts/helm.mjs', 'version', '--short']);

// One directory for the whole run: vitest's report, and the tests' own temporary files
// (TMPDIR, which os.tmpdir() and the programs the tests start honour). It goes when the run
// ends, so a test that forgets its files does not fill the machine's /tmp run after run.
// NETSEC_TEST_KEEP_TMP=1 keeps it for a look after a failure. Traversable by others (0711):
// the throwaway PostgreSQL runs as the `postgres` user in a directory of its own inside it.
const runDir = mkdtempSync(join(tmpdir(), 'netsec-test-'));
const testTmp = join(runDir, 'tmp');
mkdirSync(testTmp);
chmodSync(runDir, 0o711);
chmodSync(testTmp, 0o711);
const out = join(runDir, 'vitest.json');
console.log('\n== vitest');
const status = run(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile=${out}`,
    ...process.argv.slice(2),
  ],
  { env: { ...process.env, TMPDIR: testTmp } },
);
let report = null;
if (existsSync(out)) report = JSON.parse(readFileSync(out, 'utf8'));
if (process.env.NETSEC_TEST_KEEP_TMP === '1') console.log(`\nkept the run's files in ${runDir}`);
else rmSync(runDir, { recursive: true, force: true });
if (report) {
  const r = report;
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  if (status !== 0 && (r.numFailedTests ?? 0) === 0 && (r.numRuntimeErrorTestSuites ?? 0) === 0)
    failed += 1;
  console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
} else {
  failed += 1;
  console.log(`\n${passed} passed, ${failed} failed`);
}
process.exit(failed > 0 ? 1 : 0);
