/**
 * Real Helm for the deployment tests: the pinned official binary that scripts/helm.mjs fetches
 * and checks (docs/adr/0011-real-helm.md), or NETSEC_HELM. Resolved on the first run; a failure
 * to get it fails the tests that run helm, it does not skip them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { CHART_DIR, type K8sObject, REPO_ROOT } from './helm-chart.js';

let helmBin: string | undefined;

/** The binary's path, fetched by scripts/helm.mjs on first use (then cached on disk). */
function helmBinary(): string {
  helmBin ??= execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'helm.mjs'), '--path'], {
    encoding: 'utf8',
    timeout: 300_000,
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  return helmBin;
}

export interface HelmRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs helm with the given arguments; never throws on a non-zero exit. */
export function helm(args: readonly string[]): HelmRun {
  const r = spawnSync(helmBinary(), args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** Release and namespace of a rendering; both `netsec` unless given. */
export interface Release {
  name?: string;
  namespace?: string;
}

/** `helm template` of the chart with values files in order. */
export function helmTemplate(
  valueFiles: readonly string[],
  extra: readonly string[] = [],
  release: Release = {},
): HelmRun {
  return helm([
    'template',
    release.name ?? 'netsec',
    CHART_DIR,
    '--namespace',
    release.namespace ?? 'netsec',
    ...valueFiles.flatMap((f) => ['-f', f]),
    ...extra,
  ]);
}

/** `helmTemplate` with values given as objects, applied in order (as files; JSON is YAML). */
export function helmTemplateValues(
  values: readonly Record<string, unknown>[],
  release: Release = {},
): HelmRun {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-helm-values-'));
  try {
    const files = values.map((v, i) => {
      const file = join(dir, `values-${i}.yaml`);
      writeFileSync(file, JSON.stringify(v));
      return file;
    });
    return helmTemplate(files, [], release);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The objects of a rendering, as parsed YAML (empty documents dropped). */
export function objectsOf(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((o): o is K8sObject => o !== null && o !== undefined);
}
