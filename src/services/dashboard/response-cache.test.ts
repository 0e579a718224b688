import { afterEach, describe, expect, it, vi } from 'vitest';

import { alignWindow, cacheKey, ResponseCache } from './response-cache.js';

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

  it('aligns a window down to the quantum unless that empties it', () => {
    expect(alignWindow({ from: 10_500, to: 13_900 }, 2000)).toEqual({ from: 10_000, to: 12_000 });
    expect(alignWindow({ from: 10_500, to: 11_000 }, 2000)).toEqual({ from: 10_500, to: 11_000 });
  });
});
