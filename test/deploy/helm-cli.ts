/**
 * Real Helm for the deployment tests: the pinned official binary that scripts/helm.mjs fetches
 * and checks (docs/adr/0011-real-helm.md), or NETSEC_HELM. Resolved once, when a test file
 * imports this; a failure to get it fails those files, it does not skip them.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { CHART_DIR, type K8sObject, REPO_ROOT } from './helm-chart.js';

export const HELM_BIN = execFileSync(
  process.execPath,
  [join(REPO_ROOT, 'scripts', 'helm.mjs'), '--path'],
  { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'inherit'] },
).trim();

export interface HelmRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs helm with the given arguments; never throws on a non-zero exit. */
export function helm(args: readonly string[]): HelmRun {
  const r = spawnSync(HELM_BIN, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` of the chart, release and namespace `netsec`, with values files in order. */
export function helmTemplate(
  valueFiles: readonly string[],
  extra: readonly string[] = [],
): HelmRun {
  return helm([
    'template',
    'netsec',
    CHART_DIR,
    '--namespace',
    'netsec',
    ...valueFiles.flatMap((f) => ['-f', f]),
    ...extra,
  ]);
}

/** The objects of a rendering, as parsed YAML (empty documents dropped). */
export function objectsOf(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as unknown)
    .filter((o): o is K8sObject => o !== null && o !== undefined);
}
