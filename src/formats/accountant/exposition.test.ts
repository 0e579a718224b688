import { describe, expect, it } from 'vitest';

import { parseExpositionLine } from './exposition.js';

describe('Prometheus text exposition lines', () => {
  it('reads names, escaped label values, exponents and timestamps', () => {
    expect(
      parseExpositionLine('m{b="x\\\\y",a="say \\"hi\\"\\nthere",} 1.5e+03 1700000000123'),
    ).toEqual({
      kind: 'sample',
      name: 'm',
      labels: [
        ['a', 'say "hi"\nthere'],
        ['b', 'x\\y'],
      ],
      value: 1500,
      timestampMs: 1700000000123,
    });
    expect(parseExpositionLine('up 1')).toMatchObject({
      name: 'up',
      labels: [],
      value: 1,
      timestampMs: null,
    });
  });

  it('reads NaN and infinities', () => {
    expect(parseExpositionLine('m NaN')).toMatchObject({ value: NaN });
    expect(parseExpositionLine('m +Inf')).toMatchObject({ value: Infinity });
    expect(parseExpositionLine('m -Inf')).toMatchObject({ value: -Infinity });
  });

  it('treats HELP, TYPE and other comments as comments, and reads scrape markers', () => {
    expect(parseExpositionLine('# HELP m help text')).toEqual({ kind: 'comment' });
    expect(parseExpositionLine('# TYPE m counter')).toEqual({ kind: 'comment' });
    expect(parseExpositionLine('# scrape 1700000000000')).toEqual({
      kind: 'scrape',
      timeMs: 1700000000000,
    });
    expect(parseExpositionLine('# scrape 2025-03-04T09:00:00Z')).toEqual({
      kind: 'scrape',
      timeMs: Date.parse('2025-03-04T09:00:00Z'),
    });
  });

  it('names the part of a bad line', () => {
    expect(parseExpositionLine('m{a="x} 1')).toMatchObject({ kind: 'error', field: 'labels.a' });
    expect(parseExpositionLine('m{a="x",a="y"} 1')).toMatchObject({
      kind: 'error',
      field: 'labels.a',
    });
    expect(parseExpositionLine('m{="x"} 1')).toMatchObject({ kind: 'error', field: 'labels' });
    expect(parseExpositionLine('m 0x10')).toMatchObject({ kind: 'error', field: 'value' });
    expect(parseExpositionLine('m 1 2.5')).toMatchObject({ kind: 'error', field: 'timestamp' });
    expect(parseExpositionLine('m')).toMatchObject({ kind: 'error', field: 'value' });
    expect(parseExpositionLine('9m 1')).toMatchObject({ kind: 'error', field: 'name' });
  });
});
