import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { toNativeLine } from '../../api/flow-schema.js';
import { makeFlow } from '../../store/contract/flow-fixtures.js';
import { fixture, runParser } from '../../testing/fixtures/formats/run-parser.js';
import { flowLike } from '../../testing/native-lines.js';
import { createHubbleParser } from '../hubble/hubble-parser.js';
import { createNativeParser } from './native-parser.js';

const parse = (text: string) => runParser(createNativeParser({ cluster: 'c' }), text);

describe('native NDJSON parser', () => {
  it('reads v1 flows as sent, dropping unknown keys', () => {
    const run = parse(fixture('native-flows.ndjson'));
    expect(run.errors).toEqual([]);
    expect(run.flows).toHaveLength(2);
    expect(run.flows[0]).toMatchObject({
      source: 'hubble',
      reason: 'explicit-deny',
      packets: null,
      port: 123,
    });
    expect(run.flows[0]).not.toHaveProperty('v');
    expect(run.flows[1]).toMatchObject({ packets: 340, bytesToSrc: 80000, durationMs: 60000 });
    expect(run.flows[1]!.src.aggregated).toBe(true);
    expect(run.flows[1]).not.toHaveProperty('extra');
  });

  it('round-trips what other parsers produce', () => {
    const flows = runParser(
      createHubbleParser({ cluster: 'x' }),
      fixture('hubble-flows.jsonl'),
    ).flows;
    const back = parse(flows.map(toNativeLine).join('\n'));
    expect(back.errors).toEqual([]);
    expect(back.flows).toEqual(flows);
  });

  it('names the field path of a bad record', () => {
    const run = parse(fixture('native-bad.ndjson'));
    expect(run.errors.map((e) => [e.line, e.field])).toEqual([
      [1, 'v'],
      [2, 'v'],
      [3, 'src.labels.app'],
      [4, 'port'],
      [5, 'verdict'],
      [6, 'cluster'],
      [7, undefined],
    ]);
    expect(run.flows).toHaveLength(1);
  });

  it('gives the same answer for a line that begins with the version field as for the same line parsed whole', () => {
    // A leading space keeps a line off the fast path (it no longer begins with `{"v":1,`)
    // and means the same JSON, so the two must agree on flows, errors and their fields.
    const tails = fc.constantFrom('', ',"v":1', ',"v":2', ',"v":"1"', ',', ',}', '}', ' ', 'x');
    const variant = fc.oneof(
      flowLike.chain((line) => fc.constantFrom(line, line.replace(/^\{/, '{"v":1,'))),
      fc
        .tuple(flowLike, tails)
        .map(([line, tail]) =>
          line.endsWith('}') ? `${line.slice(0, -1)}${tail}}` : `${line}${tail}`,
        ),
      fc.constantFrom(
        '{"v":1,}',
        '{"v":1,"v":1}',
        '{"v":1,{}',
        '{"v":1,"v":1,"time":1}',
        '{"v":1,',
      ),
    );
    let fast = 0;
    fc.assert(
      fc.property(variant, (line) => {
        const whole = parse(` ${line}`);
        const run = parse(line);
        expect(run.flows).toEqual(whole.flows);
        expect(run.errors.map((e) => [e.line, e.field])).toEqual(
          whole.errors.map((e) => [e.line, e.field]),
        );
        if (line.startsWith('{"v":1,') && run.flows.length === 1) fast++;
      }),
      { numRuns: 1500 },
    );
    expect(fast).toBeGreaterThan(50);
  });

  it('keeps the version field out of the flow either way', () => {
    const line = toNativeLine(makeFlow());
    expect(line.startsWith('{"v":1,')).toBe(true);
    for (const text of [line, ` ${line}`]) {
      const run = parse(text);
      expect(run.errors).toEqual([]);
      expect(run.flows[0]).not.toHaveProperty('v');
      expect(run.flows[0]).toEqual(makeFlow());
    }
    // A second version field is the one JSON keeps, and it is refused as it would be alone.
    const twice = parse(`${line.slice(0, -1)},"v":2}`);
    expect(twice.flows).toEqual([]);
    expect(twice.errors.map((e) => e.field)).toEqual(['v']);
  });
});
