// The chart's objects against the Kubernetes API's own types (client-node's model metadata):
// no unknown field, no value of the wrong shape, for every test value set, rendered by Helm
// and by our renderer. First, that the check itself finds what it should.
import { describe, expect, it } from 'vitest';

import { renderChart } from './helm-chart.js';
import { helmTemplateValues, objectsOf } from './helm-cli.js';
import { CUSTOM_KINDS, typeProblems } from './k8s-types.js';
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
  });
});

/** The test value sets, and one with an admin password (the only one with a Secret). */
const SETS: readonly Scenario[] = [
  ...SCENARIOS,
  { name: 'an admin password in values', files: [], values: [{ admin: { password: 'pw' } }] },
];

describe.each(SETS)('the chart with $name fits the Kubernetes types', (s) => {
  const check = (objects: { apiVersion: string; kind: string }[]): void => {
    const checked = objects.filter((o) => !CUSTOM_KINDS.has(`${o.apiVersion}/${o.kind}`));
    expect(checked.length).toBeGreaterThan(4);
    for (const o of checked) expect(typeProblems(o), `${o.kind}`).toEqual([]);
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
