import { afterEach, describe, expect, it, vi } from 'vitest';

import { alignWindow, cacheKey, lifetimeFor, ResponseCache } from './response-cache.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('ResponseCache', () => {
  it('computes once for concurrent callers and serves the answer until the TTL', async () => {
    let now = 1000;
    const cache = new ResponseCache({ ttlMs: 2000, now: () => now });
    let loads = 0;
    const load = async (): Promise<number> => {
      loads += 1;
      await new Promise((r) => setTimeout(r, 5));
      return loads;
    };
    const answers = await Promise.all([1, 2, 3].map(() => cache.get('k', load)));
    expect(answers).toEqual([1, 1, 1]);
    now += 1999;
    expect(await cache.get('k', load)).toBe(1);
    now += 1;
    expect(await cache.get('k', load)).toBe(2);
    expect(loads).toBe(2);
  });

  it('does not remember failures, and TTL 0 disables it', async () => {
    const cache = new ResponseCache({ ttlMs: 5000 });
    await expect(cache.get('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('k', () => Promise.resolve('ok'))).toBe('ok');
    const off = new ResponseCache({ ttlMs: 0 });
    let n = 0;
    await off.get('k', () => Promise.resolve((n += 1)));
    await off.get('k', () => Promise.resolve((n += 1)));
    expect(n).toBe(2);
    expect(off.size).toBe(0);
  });

  it('serves a live window stale while one newer answer is computed, within maxStale', async () => {
    let now = 10_000;
    const cache = new ResponseCache({ ttlMs: 5000, maxStaleMs: 15_000, now: () => now });
    let loads = 0;
    const gate: (() => void)[] = [];
    const load = (): Promise<number> =>
      new Promise((r) => {
        loads += 1;
        const n = loads;
        gate.push(() => r(n));
      });
    const first = cache.getLive('k', 10_000, load);
    gate.shift()?.();
    expect(await first).toBe(1);
    // A later window end than the answer covers: the old answer now, one refresh behind it.
    now += 1000;
    expect(await cache.getLive('k', 15_000, load)).toBe(1);
    expect(await cache.getLive('k', 15_000, load)).toBe(1);
    expect(loads).toBe(2);
    gate.shift()?.();
    await Promise.resolve();
    expect(await cache.getLive('k', 15_000, load)).toBe(2);
    // Past the TTL: stale but served, refreshed once.
    now += 6000;
    expect(await cache.getLive('k', 15_000, load)).toBe(2);
    expect(loads).toBe(3);
    gate.shift()?.();
    await Promise.resolve();
    expect(await cache.getLive('k', 15_000, load)).toBe(3);
    // Past maxStale: the caller waits for a new answer.
    now += 16_000;
    const late = cache.getLive('k', 15_000, load);
    expect(loads).toBe(4);
    gate.shift()?.();
    expect(await late).toBe(4);
  });

  it('marks live entries stale on sustained commits, clears them after a quiet spell', async () => {
    vi.useFakeTimers({ now: 50_000 });
    const cache = new ResponseCache({ ttlMs: 5000, invalidateEveryMs: 5000 });
    let v = 0;
    const load = (): Promise<number> => Promise.resolve((v += 1));
    expect(await cache.getLive('live', 50_000, load)).toBe(1);
    expect(await cache.get('fixed', load)).toBe(2);
    cache.dataChanged(); // after a quiet spell: cleared, the next caller sees the commit
    expect(await cache.getLive('live', 50_000, load)).toBe(3);
    cache.dataChanged(); // sustained: marked stale at the end of the interval
    expect(await cache.getLive('live', 50_000, load)).toBe(3);
    vi.advanceTimersByTime(5000);
    // The live entry is served once more while it refreshes; the fixed one is recomputed.
    expect(await cache.getLive('live', 50_000, load)).toBe(3);
    await Promise.resolve();
    expect(await cache.getLive('live', 50_000, load)).toBe(4);
    expect(await cache.get('fixed', load)).toBe(5);
    cache.close();
  });

  it('keeps a longer-lived entry current through sustained commits, for its own lifetime', async () => {
    vi.useFakeTimers({ now: 100_000 });
    const cache = new ResponseCache({ ttlMs: 5000, invalidateEveryMs: 5000 });
    let v = 0;
    const load = (): Promise<number> => Promise.resolve((v += 1));
    expect(await cache.getLive('hour', 100_000, load)).toBe(1);
    expect(await cache.getLive('day', 100_000, load, 60_000)).toBe(2);
    cache.dataChanged(); // quiet spell: both dropped
    expect(await cache.getLive('hour', 100_000, load)).toBe(3);
    expect(await cache.getLive('day', 100_000, load, 60_000)).toBe(4);
    cache.dataChanged(); // sustained: both marked stale 5 s later
    vi.advanceTimersByTime(5000);
    expect(await cache.getLive('hour', 100_000, load)).toBe(3); // stale, refreshing
    await Promise.resolve();
    expect(await cache.getLive('hour', 100_000, load)).toBe(5);
    expect(await cache.getLive('day', 100_000, load, 60_000)).toBe(4); // still current
    expect(v).toBe(5);
    // 60 s after its answer the day's entry refreshes too, served stale meanwhile.
    vi.advanceTimersByTime(55_000);
    expect(await cache.getLive('day', 100_000, load, 60_000)).toBe(4);
    await Promise.resolve();
    expect(await cache.getLive('day', 100_000, load, 60_000)).toBe(6);
    // The stale allowance is three of its lifetimes (the default), not three TTLs: 100 s on,
    // it is served stale; 180 s on, the caller waits.
    vi.advanceTimersByTime(100_000);
    expect(await cache.getLive('day', 100_000, () => Promise.resolve(-1), 60_000)).toBe(6);
    await Promise.resolve();
    vi.advanceTimersByTime(180_000);
    expect(await cache.getLive('day', 100_000, () => Promise.resolve(7), 60_000)).toBe(7);
    cache.close();
  });

  it('gives a fixed window the lifetime it is asked with', async () => {
    let now = 0;
    const cache = new ResponseCache({ ttlMs: 5000, now: () => now });
    let v = 0;
    const load = (): Promise<number> => Promise.resolve((v += 1));
    expect(await cache.get('k', load, 30_000)).toBe(1);
    now = 29_999;
    cache.markStale();
    expect(await cache.get('k', load, 30_000)).toBe(1);
    now = 30_000;
    expect(await cache.get('k', load, 30_000)).toBe(2);
  });

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const cache = new ResponseCache({ ttlMs: 60_000, maxEntries: 2 });
    await cache.get('a', () => Promise.resolve(1));
    await cache.get('b', () => Promise.resolve(2));
    await cache.get('a', () => Promise.resolve(99)); // a is now the most recent
    await cache.get('c', () => Promise.resolve(3));
    expect(cache.size).toBe(2);
    expect(await cache.get('a', () => Promise.resolve(100))).toBe(1);
    expect(await cache.get('b', () => Promise.resolve(200))).toBe(200);
  });

  it('invalidates on new data at most once per interval, never missing the last commit', async () => {
    vi.useFakeTimers({ now: 10_000 });
    const cache = new ResponseCache({ ttlMs: 60_000, invalidateEveryMs: 1000 });
    let v = 0;
    const load = (): Promise<number> => Promise.resolve((v += 1));
    expect(await cache.get('k', load)).toBe(1);
    cache.dataChanged(); // first commit: cleared at once
    expect(await cache.get('k', load)).toBe(2);
    vi.advanceTimersByTime(100);
    cache.dataChanged(); // within the interval: deferred
    cache.dataChanged();
    expect(await cache.get('k', load)).toBe(2);
    vi.advanceTimersByTime(900);
    expect(await cache.get('k', load)).toBe(3);
    cache.close();
  });
});

describe('lifetimeFor', () => {
  it('gives a window 30 s per day of its length, between the TTL and 30 s', () => {
    expect(lifetimeFor(3_600_000, 5000)).toBe(5000); // an hour: 1.25 s, so the TTL
    expect(lifetimeFor(6 * 3_600_000, 5000)).toBe(7500);
    expect(lifetimeFor(86_400_000, 5000)).toBe(30_000);
    expect(lifetimeFor(30 * 86_400_000, 5000)).toBe(30_000);
    expect(lifetimeFor(30 * 86_400_000, 0)).toBe(0); // cache off
    expect(lifetimeFor(86_400_000, 60_000)).toBe(60_000);
    expect(lifetimeFor(3_600_000, 20_000)).toBe(20_000);
  });
});

describe('cacheKey', () => {
  it('separates scopes and ignores the order of query keys and namespaces', () => {
    const q1 = { from: 1, to: 2, namespace: ['a'] };
    const q2 = { to: 2, namespace: ['a'], from: 1 };
    expect(cacheKey('overview', q1, { namespaces: ['x', 'y'] })).toBe(
      cacheKey('overview', q2, { namespaces: ['y', 'x'] }),
    );
    const keys = new Set([
      cacheKey('overview', q1, undefined),
      cacheKey('overview', q1, { namespaces: ['x'] }),
      cacheKey('overview', q1, { namespaces: [] }),
      cacheKey('overview', q1, { pseudonymise: true }),
      cacheKey('overview', q1, { role: 'auditor' }),
      cacheKey('denied', q1, undefined),
      cacheKey('overview', { ...q1, to: 3 }, undefined),
    ]);
    expect(keys.size).toBe(7);
  });

  it('aligns a window up to the quantum unless that empties it', () => {
    expect(alignWindow({ from: 10_500, to: 13_900 }, 2000)).toEqual({ from: 12_000, to: 14_000 });
    expect(alignWindow({ from: 10_000, to: 14_000 }, 2000)).toEqual({ from: 10_000, to: 14_000 });
    expect(alignWindow({ from: -500, to: 1_000 }, 2000)).toEqual({ from: 0, to: 2_000 });
    expect(alignWindow({ from: 10_500, to: 11_000 }, 2000)).toEqual({ from: 10_500, to: 11_000 });
  });
});
