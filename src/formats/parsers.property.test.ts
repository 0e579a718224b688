import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { FlowSchema } from '../api/flow-schema.js';
import { fixture } from '../testing/fixtures/formats/run-parser.js';
import { INGEST_FORMATS, type IngestFormat, type LineOutcome } from './parser.js';
import { createParser, PARSERS } from './registry.js';

const FIXTURES: Record<IngestFormat, string> = {
  hubble: 'hubble-flows.jsonl',
  goldmane: 'goldmane-flows.jsonl',
  'calico-flowlog': 'calico-flowlog.jsonl',
  accountant: 'accountant-scrapes.prom',
  native: 'native-flows.ndjson',
};

/** Every outcome is well formed: an error names its line, and every flow is a valid Flow. */
function checkOutcome(out: LineOutcome, lineNo: number): void {
  expect(Array.isArray(out.flows)).toBe(true);
  if (out.error) {
    expect(out.error.line).toBe(lineNo);
    expect(out.error.message.length).toBeGreaterThan(0);
    expect(out.flows).toEqual([]);
  }
  for (const f of out.flows) {
    const r = FlowSchema.safeParse(f);
    if (!r.success) throw new Error(`invalid flow: ${JSON.stringify(r.error.issues[0])}`);
  }
}

/** Replaces the value at a random path of a JSON document with an arbitrary value. */
function mutate(doc: unknown, path: number[], value: unknown): unknown {
  if (path.length === 0 || typeof doc !== 'object' || doc === null) return value;
  const keys = Object.keys(doc);
  if (keys.length === 0) return value;
  const key = keys[(path[0] as number) % keys.length] as string;
  const copy: Record<string, unknown> = Array.isArray(doc) ? ([...doc] as never) : { ...doc };
  copy[key] = mutate((doc as Record<string, unknown>)[key], path.slice(1), value);
  return copy;
}

describe.each(INGEST_FORMATS)('%s parser properties', (format) => {
  const opts = { cluster: 'prop', now: () => 1_700_000_000_000 };

  it('is registered', () => {
    expect(PARSERS[format](opts).format).toBe(format);
  });

  it('never throws on arbitrary strings, and errors carry their line number', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 8 }), (lines) => {
        const p = createParser(format, opts);
        lines.forEach((l, i) => checkOutcome(p.parseLine(l, i + 1), i + 1));
        checkOutcome(p.finish(), lines.length + 1);
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 6 }), (values) => {
        const p = createParser(format, opts);
        values.forEach((v, i) => checkOutcome(p.parseLine(JSON.stringify(v), i + 1), i + 1));
      }),
      { numRuns: 200 },
    );
  });

  it('never throws on realistic records with one field replaced', () => {
    const lines = fixture(FIXTURES[format])
      .split('\n')
      .filter((l) => l.trim().startsWith('{'));
    if (lines.length === 0) return;
    fc.assert(
      fc.property(
        fc.nat(lines.length - 1),
        fc.array(fc.nat(50), { minLength: 1, maxLength: 4 }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (index, path, value, lineNo) => {
          const doc = mutate(JSON.parse(lines[index] as string), path, value);
          const p = createParser(format, opts);
          checkOutcome(p.parseLine(JSON.stringify(doc), lineNo), lineNo);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('accountant exposition properties', () => {
  const sample = fc
    .tuple(
      fc.constantFrom(
        'policy_accept_counter',
        'no_policy_drop_counter',
        'policy_accept_drop_counter',
        'x',
      ),
      fc.dictionary(fc.constantFrom('pod', 'type', 'policy', 'ip', 'app'), fc.string(), {
        maxKeys: 5,
      }),
      fc.oneof(fc.double(), fc.constantFrom('NaN', '+Inf', '1e3', '-0')),
      fc.option(fc.integer({ min: -1e12, max: 1e13 })),
    )
    .map(([name, labels, value, ts]) => {
      const esc = (s: string) =>
        s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${esc(v)}"`)
        .join(',');
      return `${name}{${l}} ${String(value)}${ts === null ? '' : ` ${ts}`}`;
    });

  it('never throws on well-formed and arbitrary sample lines', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 10 }), (lines) => {
        const p = createParser('accountant', { cluster: 'c' });
        lines.forEach((l, i) => checkOutcome(p.parseLine(l, i + 1), i + 1));
      }),
      { numRuns: 300 },
    );
  });
});
