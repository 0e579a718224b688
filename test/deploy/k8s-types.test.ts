// The chart's objects against the Kubernetes API's own types (client-node's model metadata) and
// JSON Schemas (kubernetes-models, and the ServiceMonitor CRD's): no unknown field, no value of
// the wrong shape, no missing required field, for every test value set, rendered by Helm and by
// our renderer. First, that the checks themselves find what they should.
import { describe, expect, it } from 'vitest';

import { renderChart } from './helm-chart.js';
import { helmTemplateValues, objectsOf } from './helm-cli.js';
import { schemaProblems, typeProblems } from './k8s-types.js';
import { type Scenario, SCENARIOS } from './scenarios.js';

const service = (spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'x', labels: { a: 'b' } },
  spec,
});

describe('the Kubernetes type check', () => {
  it('accepts a well-formed object, with named and numbered ports', () => {
    const ports = [
      { name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' },
      { port: 9090, targetPort: 9090 },
    ];
    expect(typeProblems(service({ type: 'ClusterIP', ports, selector: { app: 'x' } }))).toEqual([]);
  });

  it('names an unknown field and where it is', () => {
    expect(typeProblems(service({ ports: [{ port: 80, targtPort: 80 }] }))).toEqual([
      'spec.ports[0].targtPort: unknown field in V1ServicePort',
    ]);
  });

  it('names a value of the wrong shape', () => {
    expect(
      typeProblems(
        service({
          ports: [{ port: '80', targetPort: true }, { port: 80.5 }],
          selector: ['app'],
          publishNotReadyAddresses: 'yes',
        }),
      ),
    ).toEqual([
      'spec.ports[0].port: expected a number, got "80"',
      'spec.ports[0].targetPort: expected an integer or a string, got true',
      'spec.ports[1].port: expected an integer, got 80.5',
      'spec.selector: expected a map of string, got ["app"]',
      'spec.publishNotReadyAddresses: expected true or false, got "yes"',
    ]);
  });

  it('refuses a kind it has no type for', () => {
    expect(() => typeProblems({ apiVersion: 'v1', kind: 'Bogus' })).toThrow(
      'no Kubernetes type known for v1/Bogus',
    );
    expect(() => schemaProblems({ apiVersion: 'v1', kind: 'Bogus' })).toThrow(
      'no Kubernetes type known for v1/Bogus',
    );
  });
});

describe('the Kubernetes schema check', () => {
  it('names missing required fields', () => {
    const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: {} };
    expect(schemaProblems(d)).toEqual([
      '/spec must have required property selector',
      '/spec must have required property template',
    ]);
  });

  it("checks a ServiceMonitor against its CRD's schema", () => {
    const sm = (endpoint: Record<string, unknown>): Record<string, unknown> => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'x' },
      spec: { selector: { matchLabels: { a: 'b' } }, endpoints: [endpoint] },
    });
    expect(schemaProblems(sm({ port: 'http', interval: '30s' }))).toEqual([]);
    expect(schemaProblems(sm({ port: 'http', interval: 30 }))).toEqual([
      '/spec/endpoints/0/interval must be string',
    ]);
    // Custom resources get no field check of their own.
    expect(typeProblems(sm({ port: 'http', intervall: '30s' }))).toEqual([]);
  });
});

/** The test value sets, and one with an admin password (the only one with a Secret). */
const SETS: readonly Scenario[] = [
  ...SCENARIOS,
  { name: 'an admin password in values', files: [], values: [{ admin: { password: 'pw' } }] },
];

describe.each(SETS)('the chart with $name fits the Kubernetes types', (s) => {
  const check = (objects: { apiVersion: string; kind: string }[]): void => {
    expect(objects.length).toBeGreaterThan(4);
    for (const o of objects) {
      expect([...typeProblems(o), ...schemaProblems(o)], `${o.kind}`).toEqual([]);
    }
  };

  it('rendered by our renderer', () => {
    check(renderChart({ values: s.values }).objects);
  });

  it('rendered by Helm', () => {
    const r = helmTemplateValues(s.values);
    expect(r.stderr).toBe('');
    check(objectsOf(r.stdout));
  });
});
