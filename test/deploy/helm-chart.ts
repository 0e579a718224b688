/**
 * Renders the Helm chart in deploy/helm/netsec without helm: values.yaml merged with override
 * files the way Helm merges them, every template under templates/ executed by the subset
 * renderer, the output split into YAML documents. Used by the tests and by
 * deploy/render/render-manifests.sh, which writes the plain manifests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { parse, parseAllDocuments } from 'yaml';

import { TemplateRunner } from './template-exec.js';
import { parseTemplate, type TemplateNode } from './template-parse.js';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CHART_DIR = join(REPO_ROOT, 'deploy', 'helm', 'netsec');

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
} & Record<string, unknown>;

export interface RenderOptions {
  releaseName?: string;
  namespace?: string;
  /** Override values, applied in order over the chart's values.yaml. */
  values?: readonly Record<string, unknown>[];
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Helm's coalescing: maps merge key by key, anything else replaces, null deletes a key. */
export function mergeValues(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = mergeValues(out[k], v);
    else out[k] = v;
  }
  return out;
}

export function readYamlFile(path: string): Record<string, unknown> {
  const v: unknown = parse(readFileSync(path, 'utf8'));
  if (!isMap(v)) throw new Error(`${path}: expected a mapping`);
  return v;
}

export interface Rendered {
  values: Record<string, unknown>;
  /** Template file name → rendered text. */
  files: Map<string, string>;
  objects: K8sObject[];
  /** templates/NOTES.txt rendered, as `helm install` prints it. */
  notes: string;
}

/**
 * @example
 * const { objects } = renderChart({ values: [{ ingress: { enabled: true } }] });
 */
export function renderChart(options: RenderOptions = {}): Rendered {
  const chart = readYamlFile(join(CHART_DIR, 'Chart.yaml'));
  let values = readYamlFile(join(CHART_DIR, 'values.yaml'));
  for (const v of options.values ?? []) values = mergeValues(values, v);
  const dir = join(CHART_DIR, 'templates');
  const names = readdirSync(dir).sort();
  const defines = new Map<string, TemplateNode[]>();
  const parsed = new Map<string, TemplateNode[]>();
  let notesNodes: TemplateNode[] = [];
  for (const name of names) {
    const p = parseTemplate(readFileSync(join(dir, name), 'utf8'), `templates/${name}`);
    for (const [k, body] of p.defines) defines.set(k, body);
    if (!name.startsWith('_') && /\.ya?ml$/.test(name)) parsed.set(name, p.nodes);
    if (name === 'NOTES.txt') notesNodes = p.nodes;
  }
  const runner = new TemplateRunner(defines);
  const root = {
    Values: values,
    Release: {
      Name: options.releaseName ?? 'netsec',
      Namespace: options.namespace ?? 'netsec',
      Service: 'Helm',
      IsInstall: true,
      IsUpgrade: false,
      Revision: 1,
    },
    Chart: { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion },
  };
  const files = new Map<string, string>();
  const objects: K8sObject[] = [];
  for (const [name, nodes] of parsed) {
    let text: string;
    try {
      text = runner.render(nodes, root);
    } catch (err) {
      throw new Error(`templates/${name}: ${(err as Error).message}`);
    }
    files.set(name, text);
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) {
        throw new Error(`templates/${name}: ${doc.errors[0]!.message}\n${text}`);
      }
      const obj: unknown = doc.toJS();
      if (obj !== null && obj !== undefined) objects.push(obj as K8sObject);
    }
  }
  return { values, files, objects, notes: runner.render(notesNodes, root) };
}

/** The plain manifest text for a rendering: one `---`-separated stream, chart order kept. */
export function manifestText(r: Rendered, header: string): string {
  const parts = [...r.files.entries()]
    .map(([name, text]) => ({ name, text: text.trim() }))
    .filter((p) => p.text !== '')
    .map((p) => `---\n# Source: netsec/templates/${p.name}\n${p.text.replace(/^---\n/, '')}\n`);
  return `${header}${parts.join('')}`;
}

export function byKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}
