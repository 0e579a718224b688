/**
 * Native NDJSON lines for property tests: valid flows with fields replaced by junk and unknown
 * keys added, as a line arrives.
 */
import fc from 'fast-check';

import { makeAllowedFlow, makeFlow } from '../store/contract/flow-fixtures.js';

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
export const flowLike = fc
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
