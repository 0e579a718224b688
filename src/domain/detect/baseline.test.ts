import { describe, expect, it } from 'vitest';

import { ewmaStep, mad, median, usualLevel } from './baseline.js';
import { normaliseWorkload, stableHash } from './names.js';
import { resolveDetectOptions } from './options.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T = Date.UTC(2026, 0, 29, 9); // a Thursday, 09:00

describe('robust statistics', () => {
  it('median, MAD and EWMA', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mad([1, 2, 3, 4, 100])).toBe(1);
    expect(ewmaStep(10, 20, 0.25)).toBe(12.5);
  });

  it('uses the same hour of the week once there are enough weeks, else the same hour of day', () => {
    const hourly = new Map<number, number>();
    for (let d = 1; d <= 21; d++) hourly.set(T - d * DAY, d % 7 === 0 ? 100 : 10);
    const weekly = usualLevel(hourly, T, T - 21 * DAY, 28 * DAY, 2);
    expect(weekly).toMatchObject({ basis: 'hour-of-week', median: 100, samples: 3 });
    const daily = usualLevel(hourly, T, T - 5 * DAY, 28 * DAY, 2);
    expect(daily).toMatchObject({ basis: 'hour-of-day', median: 10, samples: 5 });
    expect(usualLevel(hourly, T, T - 2 * DAY, 28 * DAY, 2)).toBeNull();
  });

  it('counts hours without traffic after the first sighting as zero', () => {
    const hourly = new Map<number, number>([[T - DAY, 50]]);
    expect(usualLevel(hourly, T, T - 4 * DAY, 28 * DAY, 2)?.median).toBe(0);
  });
});

describe('names and options', () => {
  it('folds Goldmane aggregate names into the owning workload', () => {
    expect(normaliseWorkload('api-5d8f6b9c7d-*')).toBe('api');
    expect(normaliseWorkload('catalog-importer-29600628-*')).toBe('catalog-importer');
    expect(normaliseWorkload('kafka-*')).toBe('kafka');
    expect(normaliseWorkload('api')).toBe('api');
    expect(stableHash('a')).toBe(stableHash('a'));
    expect(stableHash('a')).not.toBe(stableHash('b'));
  });

  it('validates options and keeps defaults for the rest', () => {
    const o = resolveDetectOptions({
      allowed: { spikeRatio: 6 },
      denied: { sensitivePorts: [22] },
    });
    expect(o.allowed.spikeRatio).toBe(6);
    expect(o.denied.sensitivePorts).toEqual([22]);
    expect(o.allowed.ewmaAlpha).toBe(0.3);
    expect(() => resolveDetectOptions({ allowed: { ewmaAlpha: 2 } })).toThrow(/0 to 1/);
    expect(() => resolveDetectOptions({ allowed: { spikeRatio: -1 } })).toThrow(RangeError);
    expect(() => resolveDetectOptions({ denied: { nope: 1 } as never })).toThrow(/unknown/);
    expect(() => resolveDetectOptions({ allowed: { stepMs: 90_000 } })).toThrow(/minutes/);
  });
});
