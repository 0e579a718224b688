/** Runs the built CLI (`./bin/netsec`, after `npx tsc -p tsconfig.build.json`) for CLI tests. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const SHOP_MANIFESTS = resolve(REPO_ROOT, 'src/testing/fixtures/manifests/shop');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runNetsec(args: readonly string[], input?: string): CliRun {
  const r = spawnSync(process.execPath, [resolve(REPO_ROOT, 'bin/netsec'), ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    input,
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
