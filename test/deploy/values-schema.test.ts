// values.schema.json: Helm checks values against it on install, upgrade and template. Ajv
// (already installed with Fastify) checks it here; helm.test.ts has real Helm reject the same
// values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';

import { BAD_VALUES } from './bad-values.js';
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

  it.each(BAD_VALUES)('rejects $what', ({ over, path }) => {
    const problems = check(over);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => p.startsWith(`${path} `))).toBe(true);
  });
});
