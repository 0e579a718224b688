import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { makeAllowedFlow, makeFlow } from './contract/flow-fixtures.js';
import {
  type RollupKey,
  rollupKeyFromText,
  rollupKeyOf,
  rollupKeyText,
  rollupKeyTextOf,
} from './rollup-key.js';

/** Names an attacker may choose: separators, digits, `~`, colons, non-BMP text. */
const name = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '~', ':', '1:a', '3:abc~', '~~', '0:', '12', 'a\u0000b', '🐈‍⬛:9'),
);
const nullable = fc.option(name, { nil: null });
const rollupKey: fc.Arbitrary<RollupKey> = fc.record({
  cluster: name,
  srcNamespace: nullable,
  srcWorkload: nullable,
  srcKind: name,
  dstNamespace: nullable,
  dstWorkload: nullable,
  dstKind: name,
  protocol: name,
  port: fc.option(fc.integer({ min: 0, max: 65_535 }), { nil: null }),
  direction: name,
  verdict: name,
  reason: name,
  policy: name,
  source: name,
});

describe('rollupKeyFromText', () => {
  it('gives back every key from its text, whatever its names hold', () => {
    fc.assert(
      fc.property(rollupKey, (k) => {
        expect(rollupKeyFromText(rollupKeyText(k))).toStrictEqual({ ...k });
      }),
      { numRuns: 500 },
    );
  });

  it('gives back the key of real flows from the ingest text form', () => {
    for (const f of [makeFlow(), makeAllowedFlow({ port: null }), makeFlow({ policies: [] })]) {
      expect(rollupKeyFromText(rollupKeyTextOf(f))).toStrictEqual(rollupKeyOf(f));
    }
  });

  it('refuses text that is cut short or runs on, naming where', () => {
    const text = rollupKeyTextOf(makeFlow());
    expect(() => rollupKeyFromText(text.slice(0, -1))).toThrow(/field source .*cut short/);
    expect(() => rollupKeyFromText(`${text}~`)).toThrow(/text left at offset/);
    expect(() => rollupKeyFromText('')).toThrow(/field cluster at offset 0/);
    expect(() => rollupKeyFromText('x:abc')).toThrow(/field cluster at offset 0/);
  });
});
