/**
 * Fuzzing the ingest path and the parsers (issue #10), beyond the parser properties in
 * src/formats/parsers.property.test.ts (arbitrary strings, arbitrary JSON, one field of a real
 * record replaced): here prototype-pollution keys inside real records, huge and odd numbers in
 * every numeric field, deep nesting, long lines, unicode; the Kubernetes manifest reader on
 * random YAML; and `POST /api/v1/ingest` with random bodies, gzip garbage, formats, keys and
 * clusters. No 5xx, no throw, every flow valid, errors name their line (and field when there is
 * one), nothing pollutes Object.prototype. `NETSEC_FUZZ_RUNS=100000` runs the long form.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { FlowSchema } from '../../src/api/flow-schema.js';
import { readManifestText } from '../../src/formats/k8s-manifests/read-manifests.js';
import { INGEST_FORMATS, type IngestFormat, type LineOutcome } from '../../src/formats/parser.js';
import { createParser } from '../../src/formats/registry.js';
import { buildTestApp, type TestApp } from '../../src/testing/auth-app.js';
import { fixture } from '../../src/testing/fixtures/formats/run-parser.js';
import {
  fuzzRuns,
  fuzzTimeout,
  POLLUTION_KEYS,
  prototypePolluted,
} from '../../src/testing/fuzz-inputs.js';
import { SHOP_MANIFESTS } from '../../src/testing/netsec-cli.js';

const RUNS = fuzzRuns(100);

const FIXTURES: Record<IngestFormat, string> = {
  hubble: 'hubble-flows.jsonl',
  goldmane: 'goldmane-flows.jsonl',
  'calico-flowlog': 'calico-flowlog.jsonl',
  accountant: 'accountant-scrapes.prom',
  native: 'native-flows.ndjson',
};

const jsonLines = (format: IngestFormat): string[] =>
  fixture(FIXTURES[format])
    .split('\n')
    .filter((l) => l.trim().startsWith('{'));

function checkOutcome(out: LineOutcome, lineNo: number): void {
  if (out.error) {
    expect(out.error.line).toBe(lineNo);
    expect(out.error.message.length).toBeGreaterThan(0);
    expect(out.flows).toEqual([]);
  }
  for (const f of out.flows) {
    const r = FlowSchema.safeParse(f);
    if (!r.success) throw new Error(`invalid flow: ${JSON.stringify(r.error.issues[0])}`);
  }
  expect(prototypePolluted()).toBe(false);
}

/** Every path to a number (or numeric string) inside a JSON document. */
function numericPaths(doc: unknown, at: string[] = []): string[][] {
  if (typeof doc === 'number' || (typeof doc === 'string' && /^-?\d+(\.\d+)?$/.test(doc))) {
    return [at];
  }
  if (typeof doc !== 'object' || doc === null) return [];
  return Object.entries(doc).flatMap(([k, v]) => numericPaths(v, [...at, k]));
}

/** Every object inside a JSON document (as paths), to plant keys in. */
function objectPaths(doc: unknown, at: string[] = []): string[][] {
  if (typeof doc !== 'object' || doc === null) return [];
  const here = Array.isArray(doc) ? [] : [at];
  return [...here, ...Object.entries(doc).flatMap(([k, v]) => objectPaths(v, [...at, k]))];
}

/** JSON text of `doc` with `raw` (JSON text) at `path`, built as text so `__proto__` stays a key. */
function withRawAt(doc: unknown, path: string[], raw: string): string {
  if (path.length === 0) return raw;
  if (typeof doc !== 'object' || doc === null) return JSON.stringify(doc);
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(doc)) {
    return `[${doc.map((v, i) => (String(i) === head ? withRawAt(v, rest, raw) : JSON.stringify(v))).join(',')}]`;
  }
  const entries = Object.entries(doc).map(
    ([k, v]) => `${JSON.stringify(k)}:${k === head ? withRawAt(v, rest, raw) : JSON.stringify(v)}`,
  );
  return `{${entries.join(',')}}`;
}

const hugeNumber = fc.constantFrom(
  '1e309',
  '-1e309',
  '9007199254740993',
  '1.7976931348623157e308',
  '5e-324',
  '-0',
  '1e21',
  '"1e309"',
  '"NaN"',
  '"Infinity"',
  '"99999999999999999999999"',
  '"-1"',
  '"0x10"',
  '""',
);

describe.each(INGEST_FORMATS.filter((f) => jsonLines(f).length > 0))(
  '%s parser fuzzing',
  (format) => {
    const lines = jsonLines(format);
    const opts = { cluster: 'fuzz', now: () => 1_700_000_000_000 };

    it('survives huge and odd numbers in every numeric field', () => {
      fc.assert(
        fc.property(fc.nat(lines.length - 1), fc.nat(), hugeNumber, (i, pick, num) => {
          const doc = JSON.parse(lines[i] as string) as unknown;
          const paths = numericPaths(doc);
          if (paths.length === 0) return;
          const text = withRawAt(doc, paths[pick % paths.length] as string[], num);
          checkOutcome(createParser(format, opts).parseLine(text, 7), 7);
        }),
        { numRuns: RUNS },
      );
    });

    it('survives prototype-pollution keys planted in any object', () => {
      fc.assert(
        fc.property(
          fc.nat(lines.length - 1),
          fc.nat(),
          fc.constantFrom(...POLLUTION_KEYS),
          fc.jsonValue({ maxDepth: 2 }),
          (i, pick, key, value) => {
            const doc = JSON.parse(lines[i] as string) as Record<string, unknown>;
            const paths = objectPaths(doc);
            const path = paths[pick % paths.length] as string[];
            const planted = `{${JSON.stringify(key)}:${JSON.stringify({ polluted: 1, value })}}`;
            // Merge the planted key into the object at `path` by text.
            const target = path.reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], doc);
            const inner = JSON.stringify(target).slice(1, -1);
            const merged = `${planted.slice(0, -1)}${inner ? `,${inner}` : ''}}`;
            const text = path.length === 0 ? merged : withRawAt(doc, path, merged);
            checkOutcome(createParser(format, opts).parseLine(text, 3), 3);
          },
        ),
        { numRuns: RUNS },
      );
    });

    it('survives deep nesting, long lines and odd unicode', () => {
      const odd = fc.constantFrom(
        `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
        `{"a":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
        `{"flow":"${'x'.repeat(2_000_000)}"}`,
        '{"flow":{"source":{"pod_name":"\\ud800\\u0000\\u202e"}}}',
        '\ufeff{"v":1}',
        '{"v":1,"time":"\u0663\u0663"}',
      );
      fc.assert(
        fc.property(odd, (line) => {
          checkOutcome(createParser(format, opts).parseLine(line, 1), 1);
        }),
        { numRuns: Math.min(RUNS, 30) },
      );
    });
  },
);

describe('Kubernetes manifest reader fuzzing', () => {
  const dir = SHOP_MANIFESTS;
  const texts = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));

  it('never throws on random text, random YAML values, or real manifests cut or spliced', () => {
    const input = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .tuple(fc.nat(texts.length - 1), fc.nat(), fc.nat(), fc.string())
        .map(([i, a, b, insert]) => {
          const t = texts[i] as string;
          const at = a % (t.length + 1);
          return t.slice(0, at) + insert + t.slice(Math.min(t.length, at + (b % 40)));
        }),
      fc.constantFrom(
        'a: &a [*a]',
        `${'- '.repeat(5000)}x`,
        'kind: NetworkPolicy\nmetadata: {name: x, __proto__: {polluted: 1}}\nspec: {podSelector: {}}',
        '<<: {polluted: 1}',
        'kind: List\nitems: 5',
        '%YAML 9.9\n---\n!!binary x',
      ),
    );
    fc.assert(
      fc.property(input, (text) => {
        const got = readManifestText(text, 'fuzz.yaml');
        expect(Array.isArray(got.errors)).toBe(true);
        expect(prototypePolluted()).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });
});

describe('POST /api/v1/ingest fuzzing', () => {
  let t: TestApp;
  let token = '';
  beforeAll(async () => {
    t = await buildTestApp();
    token = (await t.services.tokens.create('fuzz', null)).token;
  }, 60_000);
  afterAll(async () => t?.close());

  const realLine = fc.constantFrom(...INGEST_FORMATS.flatMap((f) => jsonLines(f)));
  const line = fc.oneof(
    realLine,
    fc.string({ unit: 'binary' }),
    fc.jsonValue().map((v) => JSON.stringify(v)),
    fc.constantFrom('{"v":1}', '{"v":1,"time":1e309}', '{"__proto__":{"polluted":1},"v":1}', ''),
  );
  const body = fc.oneof(
    fc
      .array(line, { maxLength: 8 })
      .map((ls) => ({ bytes: Buffer.from(ls.join('\n')), gzip: false })),
    fc.array(line, { maxLength: 8 }).map((ls) => ({ bytes: gzipSync(ls.join('\n')), gzip: true })),
    fc.uint8Array({ maxLength: 300 }).map((b) => ({ bytes: Buffer.from(b), gzip: true })),
    fc
      .tuple(fc.array(realLine, { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat(255))
      .map(([ls, at, byte]) => {
        const z = gzipSync(ls.join('\n'));
        z[at % z.length] = byte; // one corrupted byte: bad CRC, bad deflate, or still fine
        return { bytes: z, gzip: true };
      }),
  );
  const format = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...INGEST_FORMATS) },
    { weight: 1, arbitrary: fc.string() },
  );
  const header = fc.option(
    fc.oneof(fc.string({ maxLength: 210 }), fc.constantFrom('__proto__', 'é', 'a b')),
  );

  it(
    `answers 200 or a 4xx that says why, never 5xx (${RUNS} runs)`,
    async () => {
      await fc.assert(
        fc.asyncProperty(body, format, header, header, async (b, f, key, cluster) => {
          const q = new URLSearchParams([['format', f]]);
          if (cluster !== null) q.set('cluster', cluster);
          const res = await t.app.inject({
            method: 'POST',
            url: `/api/v1/ingest?${q.toString()}`,
            headers: {
              authorization: `Bearer ${token}`,
              'content-type': 'application/x-ndjson',
              ...(b.gzip ? { 'content-encoding': 'gzip' } : {}),
              ...(key !== null && /^[\x20-\x7e]*$/.test(key) ? { 'idempotency-key': key } : {}),
            },
            payload: b.bytes,
          });
          const what = `format=${f} cluster=${cluster} key=${key} → ${res.statusCode} ${res.body.slice(0, 200)}`;
          expect(res.statusCode, what).toBeLessThan(500);
          const reply = res.json() as Record<string, unknown>;
          if (res.statusCode === 200) {
            const errors = reply['errors'] as { line: number; field?: string; message: string }[];
            expect(reply['accepted'] as number, what).toBeGreaterThanOrEqual(0);
            for (const e of errors) {
              expect(e.line, what).toBeGreaterThan(0);
              expect(e.message.length, what).toBeGreaterThan(0);
            }
          } else {
            expect(typeof reply['error'], what).toBe('string');
            expect(typeof reply['message'], what).toBe('string');
          }
          expect(prototypePolluted(), what).toBe(false);
        }),
        { numRuns: RUNS },
      );
    },
    fuzzTimeout(300_000),
  );

  it('a native line with one bad field is rejected naming that field', async () => {
    const good = JSON.parse(jsonLines('native')[0] as string) as Record<string, unknown>;
    const fields = ['time', 'protocol', 'port', 'verdict', 'direction', 'flows', 'src', 'dst'];
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields),
        fc.constantFrom(
          '-1',
          '1e309',
          '"x"',
          'null',
          '[]',
          '{"a":1}',
          'true',
          '18446744073709551616',
        ),
        async (field, value) => {
          const line = withRawAt(good, [field], value);
          const res = await t.app.inject({
            method: 'POST',
            url: '/api/v1/ingest?format=native',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
            payload: line,
          });
          expect(res.statusCode).toBe(200);
          const reply = res.json() as { rejected: number; errors: { field?: string }[] };
          if (reply.rejected === 1) {
            rejected++;
            expect(reply.errors[0]?.field ?? '', `${field}=${value}`).toMatch(
              new RegExp(`^${field}`),
            );
          }
        },
      ),
      { numRuns: Math.min(RUNS, 64) },
    );
    expect(rejected).toBeGreaterThan(0);
  });
});
