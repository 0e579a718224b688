// values.schema.json: Helm checks values against it on install, upgrade and template. Ajv
// (already installed with Fastify) stands in for Helm's validator here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';

import { CHART_DIR, mergeValues, readYamlFile } from './helm-chart.js';
import { SCENARIOS } from './scenarios.js';

const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, strictTypes: false }).compile(schema);
const defaults = readYamlFile(join(CHART_DIR, 'values.yaml'));

function check(...over: Record<string, unknown>[]): string[] {
  const values = over.reduce((acc, v) => mergeValues(acc, v), defaults);
  return validate(values)
    ? []
    : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe('values.schema.json', () => {
  it.each(SCENARIOS)('accepts $name', (s) => {
    expect(check(...s.values)).toEqual([]);
  });

  it.each([
    ['an unknown key', { replica: 2 }, ''],
    ['a misspelt nested key', { networkPolicy: { hubbleRelais: {} } }, '/networkPolicy'],
    ['the latest tag', { image: { tag: 'latest' } }, '/image/tag'],
    ['replicas > 1 on SQLite', { replicas: 3 }, '/replicas'],
    [
      'PostgreSQL without its Secret',
      { store: { postgresql: { enabled: true } } },
      '/store/postgresql/existingSecret',
    ],
    [
      'quarantine without the live model',
      { kubernetes: { quarantine: true } },
      '/kubernetes/liveModel/enabled',
    ],
    [
      'a writable root filesystem',
      { containerSecurityContext: { readOnlyRootFilesystem: false } },
      '/containerSecurityContext/readOnlyRootFilesystem',
    ],
    ['running as root', { podSecurityContext: { runAsUser: 0 } }, '/podSecurityContext/runAsUser'],
    [
      'a receiver with no destination (would allow all)',
      { networkPolicy: { alertReceivers: [{ name: 'x', to: [], ports: [{ port: 443 }] }] } },
      '/networkPolicy/alertReceivers/0/to',
    ],
    [
      'a receiver with no port (would allow all)',
      {
        networkPolicy: {
          alertReceivers: [{ name: 'x', to: [{ ipBlock: { cidr: '1.2.3.4/32' } }], ports: [] }],
        },
      },
      '/networkPolicy/alertReceivers/0/ports',
    ],
    [
      'an empty peer (would match everything)',
      { networkPolicy: { collectors: [{}] } },
      '/networkPolicy/collectors/0',
    ],
    ['a store section in config', { config: { store: { path: '/x' } } }, '/config'],
    ['a source that is not a URL', { server: { sources: ['relay:4245'] } }, '/server/sources/0'],
  ])('rejects %s', (_what, over, path) => {
    const problems = check(over as Record<string, unknown>);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => p.startsWith(`${path} `))).toBe(true);
  });
});
