/**
 * The value sets the deployment tests render the chart with, the cluster model each rendering
 * loads into (through the product's own manifest loader, beside a fixture of the surrounding
 * cluster), and probes against it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  type ClusterModel,
  type Endpoint,
  ipEndpoint,
  isConnectionAllowed,
  type PolicyProtocol,
  resolveEndpoint,
} from '../../src/domain/netpol/index.js';
import { formatModelError, loadClusterModel } from '../../src/services/cluster-model-service.js';
import { type K8sObject, manifestText, readYamlFile, renderChart } from './helm-chart.js';
import { helmTemplateValues, objectsOf } from './helm-cli.js';

export const FIXTURES = join(__dirname, 'fixtures');
export const SURROUNDING_CLUSTER = join(FIXTURES, 'surrounding-cluster.yaml');

export interface Scenario {
  name: string;
  /** Values files in test/deploy/fixtures, applied in order over the chart's values.yaml. */
  files: string[];
  values: Record<string, unknown>[];
}

function scenario(name: string, files: string[]): Scenario {
  return { name, files, values: files.map((f) => readYamlFile(join(FIXTURES, f))) };
}

export const SCENARIOS: readonly Scenario[] = [
  scenario('default values', []),
  scenario('Cilium: Hubble Relay, live model, ingress', ['values-cilium.yaml']),
  scenario('Calico: Goldmane, PostgreSQL, replicas', ['values-postgres.yaml']),
];

/** Who renders the chart: our template subset renderer (ADR 0004) or real Helm (ADR 0011). */
export type Renderer = 'subset' | 'helm';
export const RENDERERS: readonly Renderer[] = ['subset', 'helm'];

export interface LoadedRendering {
  objects: K8sObject[];
  model: ClusterModel;
  errors: string[];
}

/** Renders, writes the manifests to a temporary file, and loads them with the fixture. */
export async function loadRendering(
  scenario: Scenario,
  renderer: Renderer = 'subset',
): Promise<LoadedRendering> {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-deploy-'));
  try {
    let text: string;
    if (renderer === 'helm') {
      const run = helmTemplateValues(scenario.values);
      if (run.status !== 0) throw new Error(`helm template failed: ${run.stderr}`);
      text = run.stdout;
    } else {
      text = manifestText(renderChart({ values: scenario.values }), '');
    }
    const file = join(dir, 'rendered.yaml');
    writeFileSync(file, text);
    const loaded = await loadClusterModel([file, SURROUNDING_CLUSTER]);
    return {
      objects: objectsOf(text),
      model: loaded.model,
      errors: loaded.errors.map(formatModelError),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The dashboard's pod, made by the model from the Deployment's template. */
export const DASHBOARD = 'netsec/netsec-template';

export interface Probe {
  protocol: PolicyProtocol;
  port: number;
}

export const INGRESS_PORTS: readonly Probe[] = [53, 443, 4245, 5432, 7443, 8080, 9090, 9093].map(
  (port) => ({ protocol: 'TCP', port }),
);
export const EGRESS_PORTS: readonly Probe[] = [
  { protocol: 'UDP', port: 53 },
  ...[53, 443, 3002, 4245, 5432, 6443, 7443, 8080, 9090, 9093].map((port): Probe => ({
    protocol: 'TCP',
    port,
  })),
];
/** API server endpoints, a Service ClusterIP, the internet, a private network. */
export const EXTERNAL_IPS = ['172.20.0.10', '172.20.0.11', '10.96.0.1', '1.1.1.1', '192.168.1.5'];

function endpoint(model: ClusterModel, text: string): Endpoint {
  const r = resolveEndpoint(model, text);
  if (!r.endpoint) throw new Error(r.error);
  return r.endpoint;
}

/** Every other pod and a few outside addresses, as `who proto/port`, that may reach the dashboard. */
export function allowedIngress(model: ClusterModel): string[] {
  const dashboard = endpoint(model, DASHBOARD);
  const sources = [
    ...model.pods
      .filter((p) => `${p.namespace}/${p.name}` !== DASHBOARD)
      .map((p) => `${p.namespace}/${p.name}`),
    '203.0.113.5',
    '10.0.9.9',
  ];
  const out: string[] = [];
  for (const s of sources) {
    const src = s.includes('/') ? endpoint(model, s) : ipEndpoint(s)!;
    for (const p of INGRESS_PORTS) {
      if (isConnectionAllowed(model, src, dashboard, p.protocol, p.port)) {
        out.push(`${s} ${p.protocol}/${p.port}`);
      }
    }
  }
  return out.sort();
}

/** Every pod and outside address, as `who proto/port`, that the dashboard may connect to. */
export function allowedEgress(model: ClusterModel): string[] {
  const dashboard = endpoint(model, DASHBOARD);
  const targets = [
    ...model.pods
      .filter((p) => `${p.namespace}/${p.name}` !== DASHBOARD)
      .map((p) => `${p.namespace}/${p.name}`),
    ...EXTERNAL_IPS,
  ];
  const out: string[] = [];
  for (const t of targets) {
    const dst = t.includes('/') ? endpoint(model, t) : ipEndpoint(t)!;
    for (const p of EGRESS_PORTS) {
      if (isConnectionAllowed(model, dashboard, dst, p.protocol, p.port)) {
        out.push(`${t} ${p.protocol}/${p.port}`);
      }
    }
  }
  return out.sort();
}
