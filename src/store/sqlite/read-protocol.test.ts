import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { TimeSeriesResult } from '../flow-store.js';
import { packTimeSeries, unpackTimeSeries } from './read-protocol.js';

const value = fc.oneof(fc.constant(null), fc.constant(0), fc.integer({ min: 0, max: 2 ** 53 - 1 }));

describe('time series packed for the trip from a read worker', () => {
  it('come back as they went: null, 0 and totals that are not the sum of the values', () => {
    const r: TimeSeriesResult = {
      metric: 'packets',
      sources: ['accountant', 'goldmane'],
      stepMs: 60_000,
      steps: [0, 60_000, 120_000],
      series: [
        {
          group: { srcNamespace: 'a', srcWorkload: null },
          values: [1, null, 2 ** 53 - 1],
          total: 2 ** 53,
        },
        // Rows that did not report the metric, and steps without rows: the total stays null.
        { group: { srcNamespace: 'b', srcWorkload: 'x' }, values: [null, 0, 0], total: null },
      ],
    };
    const packed = packTimeSeries(structuredClone(r));
    expect(packed.values).toBeInstanceOf(Float64Array);
    expect(packed.values).toHaveLength(6);
    expect(unpackTimeSeries(packed)).toEqual(r);
    expect(unpackTimeSeries(packTimeSeries({ ...r, series: [] }))).toEqual({ ...r, series: [] });
  });

  it('round-trip any result (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8 }).chain((width) =>
          fc
            .array(
              fc.record({
                group: fc.record({ dstNamespace: fc.option(fc.string(), { nil: null }) }),
                values: fc.array(value, { minLength: width, maxLength: width }),
                total: value,
              }),
              { maxLength: 10 },
            )
            .map((series) => ({ width, series })),
        ),
        ({ width, series }) => {
          const r: TimeSeriesResult = {
            metric: 'flows',
            sources: [],
            stepMs: 1,
            steps: Array.from({ length: width }, (_, i) => i),
            series,
          };
          expect(unpackTimeSeries(packTimeSeries(structuredClone(r)))).toEqual(r);
        },
      ),
      { numRuns: 200 },
    );
  });
});
