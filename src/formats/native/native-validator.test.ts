import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { FlowSchema } from '../../api/flow-schema.js';
import { makeAllowedFlow, makeFlow } from '../../store/contract/flow-fixtures.js';
import { isValidFlowInPlace } from './native-validator.js';

/** Values that break some field's type or bounds, and some that fit a few. */
const junk = fc.constantFrom<unknown>(
  null,
  undefined,
  -1,
  0,
  1.5,
  2 ** 60,
  65_536,
  '',
  'x',
  'TCP',
  'pod',
  true,
  {},
  [],
  ['a'],
  { kind: '', name: 'x' },
  { a: 1 },
);

type Json = Record<string, unknown>;

/** A valid flow (of either shape) with fields replaced by junk and unknown keys added. */
const flowLike = fc
  .record({
    base: fc.constantFrom(
      makeFlow(),
      makeAllowedFlow(),
      makeFlow({ port: null, src: { labels: {} } }),
    ),
    edits: fc.array(
      fc.tuple(
        fc.constantFrom(
          'time',
          'cluster',
          'protocol',
          'port',
          'verdict',
          'reason',
          'flows',
          'bytes',
          'durationMs',
          'src.kind',
          'src.workload',
          'src.labels',
          'src.dnsNames',
          'src.aggregated',
          'dst.ip',
          'dst.workload.name',
          'policies',
          'policies.0.action',
          'policies.0.staged',
          'extra',
          'src.__proto__',
          'dst.labels.k',
        ),
        junk,
      ),
      { maxLength: 3 },
    ),
  })
  .map(({ base, edits }) => {
    const o = JSON.parse(JSON.stringify({ v: 1, ...base })) as Json;
    for (const [path, value] of edits) {
      const keys = path.split('.');
      let at: unknown = o;
      for (const k of keys.slice(0, -1)) at = (at as Json | null)?.[k];
      if (at !== null && typeof at === 'object') {
        Object.defineProperty(at, keys[keys.length - 1] as string, {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    // A line as it arrives: what JSON can say (undefined drops out, as in JSON.stringify).
    return JSON.stringify(o);
  });

describe('the compiled check of native flows', () => {
  it('accepts exactly what zod accepts, and leaves the flow zod gives', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(flowLike, (line) => {
        const zod = FlowSchema.safeParse(JSON.parse(line));
        const mine = JSON.parse(line) as Json;
        const ok = isValidFlowInPlace(mine);
        expect(ok).toBe(zod.success);
        if (ok) {
          accepted++;
          expect(mine).toEqual(zod.data);
          expect(mine).not.toHaveProperty('v');
        } else refused++;
      }),
      { numRuns: 2000, seed: 20261127 },
    );
    // Both outcomes were exercised.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('refuses numbers JSON turns into Infinity, as zod does', () => {
    const line = JSON.stringify(makeFlow());
    for (const field of ['flows', 'bytes', 'time', 'durationMs']) {
      const text = line.replace(new RegExp(`"${field}":[^,}]+`), `"${field}":1e309`);
      expect(text).toContain('1e309');
      const mine = JSON.parse(text) as Json;
      expect(FlowSchema.safeParse(JSON.parse(text)).success).toBe(false);
      expect(isValidFlowInPlace(mine)).toBe(false);
    }
  });
});
