import { describe, expect, it } from 'vitest';

import { toNativeLine } from '../../api/flow-schema.js';
import { fixture, runParser } from '../../testing/fixtures/formats/run-parser.js';
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
});
