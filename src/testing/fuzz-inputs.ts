/**
 * fast-check arbitraries for hostile API input: query strings and JSON bodies with huge
 * numbers, odd unicode, prototype-pollution keys and broken encodings. Shared by the fuzz
 * suites in test/reliability/.
 */
import fc from 'fast-check';

/** Runs per property: `NETSEC_FUZZ_RUNS` (the long form), else `ciRuns`. */
export function fuzzRuns(ciRuns: number): number {
  const n = Number(process.env.NETSEC_FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : ciRuns;
}

/** A test's time limit: `ciMs`, or a day for the long form. */
export function fuzzTimeout(ciMs: number): number {
  return process.env.NETSEC_FUZZ_RUNS ? 86_400_000 : ciMs;
}

/** Keys that try to reach an object's prototype. */
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__'];

/** Field names the API knows, so that values reach the validators behind them. */
export const KNOWN_FIELDS = [
  'from',
  'to',
  'since',
  'limit',
  'cursor',
  'namespace',
  'verdict',
  'cluster',
  'ip',
  'port',
  'protocol',
  'direction',
  'pod',
  'workload',
  'policy',
  'step',
  'stepMs',
  'groupBy',
  'metric',
  'resolution',
  'format',
  'src',
  'dst',
  'name',
  'kind',
  'role',
  'username',
  'password',
  'namespaces',
  'q',
  'sort',
  'order',
  'id',
  'status',
  'reason',
  'peer',
  'srcNamespace',
  'dstNamespace',
  'srcWorkload',
  'dstWorkload',
  'window',
  'top',
];

const nastyNumber = fc.constantFrom(
  '1e309',
  '-1e309',
  '9007199254740993',
  '-9007199254740993',
  '1e-400',
  '-0',
  'NaN',
  'Infinity',
  '0x1F',
  '0b11',
  '1_000',
  '  7  ',
  '٣',
  '99999999999999999999999999999999',
  '1.7976931348623157e308',
);

const nastyText = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\u202egnp.exe',
  'a'.repeat(5000),
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "'; DROP TABLE flow_events; --",
  '=HYPERLINK("http://x")',
  '10.0.0.0/33',
  '::ffff:300.1.1.1',
  '2026-02-30T25:61:00Z',
  '-2h',
  'now',
  '*',
  '%',
  'true',
  'null',
  '[]',
  '{}',
);

/** One query-string value. */
export const queryValue: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.integer().map(String),
  fc.double().map(String),
  nastyNumber,
  nastyText,
);

export const queryKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...KNOWN_FIELDS) },
  { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_KEYS) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** A query string (without `?`): key/value pairs, repeated keys, or raw broken encodings. */
export const queryString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .array(fc.tuple(queryKey, queryValue), { maxLength: 6 })
      .map((pairs) => new URLSearchParams(pairs).toString()),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '%',
      '%zz',
      '%E0%A4%A',
      'a[b]=c',
      'from[]=1&from[]=2',
      'limit=1&limit=2',
      '__proto__[x]=1',
      'constructor[prototype][x]=1',
      '&&&==&',
      '%00=%00',
    ),
  },
);

const jsonLeaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 5e-324),
  nastyText,
);

/** A JSON body as text: arbitrary values, known fields with odd values, pollution attempts. */
export const jsonBody: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc
    .dictionary(fc.constantFrom(...KNOWN_FIELDS), jsonLeaf, { maxKeys: 6 })
    .map((o) => JSON.stringify(o)),
  fc
    .tuple(fc.constantFrom(...POLLUTION_KEYS), fc.dictionary(fc.string(), jsonLeaf))
    .map(([k, v]) => `{"${k}":${JSON.stringify({ polluted: 1, ...v })},"name":"x"}`),
  fc.constantFrom(
    '{"constructor":{"prototype":{"polluted":1}}}',
    '{"__proto__":{"polluted":1}}',
    '{',
    '',
    'null',
    '[]',
    `${'['.repeat(5000)}${']'.repeat(5000)}`,
    '{"a":1,"a":2}',
  ),
  fc.string({ unit: 'binary' }),
);

/** True when something managed to set a property on Object.prototype. */
export function prototypePolluted(): boolean {
  const probe = {} as Record<string, unknown>;
  return probe['polluted'] !== undefined || probe['x'] !== undefined;
}
