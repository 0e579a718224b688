import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { AllowedSeries } from '../domain/detect/allowed-series.js';
import { resolveDetectOptions } from '../domain/detect/options.js';
import type { FlowStore, RollupQuery } from '../store/flow-store.js';
import { openSqliteStore, type SqliteFlowStore } from '../store/sqlite/sqlite-store.js';
import { externalEndpoint, makeAllowedFlow, podEndpoint, T0 } from '../testing/flow-factory.js';
import {
  HISTORY_MEMO_MAX_AGE_MS,
  HistoryMemo,
  loadAllowedSeries,
  loadAmplificationRatios,
} from './detection-load.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STEP = 15 * 60_000;
const o = resolveDetectOptions().allowed;

let store: SqliteFlowStore;
/** Hourly-tier reads made through `counted`, the store as detection sees it. */
let hourReads: RollupQuery[];
let counted: FlowStore;

beforeEach(async () => {
  store = openSqliteStore({ path: ':memory:', now: () => T0 });
  hourReads = [];
  counted = new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'queryRollups')
        return (q: RollupQuery) => {
          if (q.resolution === '1h') hourReads.push(q);
          return target.queryRollups(q);
        };
      const v: unknown = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  // 30 days of allowed traffic, every 20 minutes: web → api, and api → an external address,
  // with bytes that vary by the hour so that each day's sums differ.
  const flows = [];
  for (let t = T0 - 30 * DAY; t < T0; t += 20 * 60_000) {
    const hour = Math.floor(t / HOUR);
    flows.push(
      makeAllowedFlow({
        time: t,
        src: podEndpoint('shop', 'web', 'web-1'),
        dst: podEndpoint('shop', 'api', 'api-1'),
        port: 8080,
        bytesToDst: 1000 + (hour % 7) * 10,
      }),
      makeAllowedFlow({
        time: t + 1000,
        src: podEndpoint('shop', 'api', 'api-1'),
        dst: externalEndpoint('203.0.113.9'),
        port: 443,
        bytesToDst: 5000 + (hour % 5) * 100,
      }),
    );
  }
  await store.writeBatch({ id: 'history', flows, source: 'hubble', receivedAt: T0 });
});
afterEach(async () => {
  await store.close();
});

const byId = (series: AllowedSeries[]): AllowedSeries[] =>
  [...series].sort((a, b) => a.id.localeCompare(b.id));

async function load(window: { from: number; to: number }, history?: HistoryMemo, now = T0) {
  const builder = await loadAllowedSeries(counted, window, o, {
    stepLookbackMs: 2 * HOUR,
    history,
    now,
  });
  return byId(builder.finish());
}

/** The two-hour window whose end is `k` steps before T0. */
const windowAt = (k: number) => ({ from: T0 - k * STEP - 2 * HOUR, to: T0 - k * STEP });

describe('loadAllowedSeries with a HistoryMemo', () => {
  it('reads each whole past day once across steps, and builds the same series', async () => {
    const memo = new HistoryMemo();
    const first = await load(windowAt(4), memo);
    const firstReads = hourReads.length;
    // 28 days back and the window: 29 or 30 UTC days, each read once.
    expect(firstReads).toBeGreaterThanOrEqual(29);
    expect(first.length).toBeGreaterThan(0);
    expect(first.some((s) => s.hourly.size > 24 * 20)).toBe(true);
    for (let k = 3; k >= 0; k--) {
      hourReads = [];
      const withMemo = await load(windowAt(k), memo);
      const memoReads = hourReads.length;
      hourReads = [];
      const plain = await load(windowAt(k));
      // Only the partial first day and today are read again.
      expect(memoReads).toBe(2);
      expect(hourReads.length).toBe(firstReads);
      expect(withMemo).toEqual(plain);
    }
    expect(memo.size).toBe(27);
  });

  it('sees late traffic for a past day once the day is HISTORY_MEMO_MAX_AGE_MS old', async () => {
    const memo = new HistoryMemo();
    const window = windowAt(0);
    await load(window, memo);
    // A collector replays traffic for three days ago: a connection the memo has not seen.
    const late = makeAllowedFlow({
      time: T0 - 3 * DAY,
      src: podEndpoint('shop', 'web', 'web-1'),
      dst: podEndpoint('shop', 'cache', 'cache-1'),
      port: 6379,
    });
    await store.writeBatch({ id: 'late', flows: [late], source: 'hubble', receivedAt: T0 });
    const hasCache = (series: AllowedSeries[]) => series.some((s) => s.id.includes('shop/cache'));
    expect(hasCache(await load(window))).toBe(true);
    expect(hasCache(await load(window, memo, T0 + HISTORY_MEMO_MAX_AGE_MS - 1))).toBe(false);
    hourReads = [];
    const refreshed = await load(window, memo, T0 + HISTORY_MEMO_MAX_AGE_MS);
    expect(hasCache(refreshed)).toBe(true);
    expect(hourReads.length).toBeGreaterThanOrEqual(29);
    expect(refreshed).toEqual(await load(window));
  });

  it('forgets days that left the baseline, and never keeps a day the window reaches', async () => {
    const memo = new HistoryMemo();
    await load(windowAt(0), memo);
    expect(memo.size).toBe(27);
    // T0 is 12:00 UTC: today's day is read, not kept.
    expect(memo.has(T0 - (T0 % DAY), T0)).toBe(false);
    expect(memo.has(T0 - (T0 % DAY) - DAY, T0)).toBe(true);
    const today = T0 - (T0 % DAY);
    const kept = (day: number, now: number) => memo.has(today + day * DAY, now);
    expect(kept(-27, T0) && kept(-25, T0)).toBe(true);
    // Three days on (the memo's days are not yet too old at this clock): the baseline now
    // starts within day -25, so days -27 to -25 are gone, and days 0 to 2 are kept.
    const later = { from: T0 + 3 * DAY - 2 * HOUR, to: T0 + 3 * DAY };
    const now = T0 + HISTORY_MEMO_MAX_AGE_MS - 1;
    await load(later, memo, now);
    expect([-27, -26, -25].some((d) => kept(d, now))).toBe(false);
    expect([-24, 0, 1, 2].every((d) => kept(d, now))).toBe(true);
    expect(memo.size).toBe(27);
  });

  it('keeps no more bins than its budget, and builds the same series beyond it', async () => {
    const all = new HistoryMemo();
    await load(windowAt(0), all);
    const { bins, keys } = all.held;
    // Two connections, each with a bin for every hour of 27 whole days.
    expect(keys).toBe(2);
    expect(bins).toBe(2 * 24 * 27);
    const small = new HistoryMemo(HISTORY_MEMO_MAX_AGE_MS, bins / 3);
    await load(windowAt(1), small);
    expect(small.size).toBe(9);
    expect(small.held.bins).toBeLessThanOrEqual(bins / 3);
    hourReads = [];
    const withSmall = await load(windowAt(0), small);
    expect(hourReads.length).toBe(29 - 9);
    expect(withSmall).toEqual(await load(windowAt(0)));
  });
});

describe('loadAmplificationRatios', () => {
  it('gives reply/request bytes per workload and port, from external peers over UDP only', async () => {
    const all = openSqliteStore({ path: ':memory:', now: () => T0, allowedSampleRate: 1 });
    const udp = (i: number, over: Parameters<typeof makeAllowedFlow>[0]) =>
      makeAllowedFlow({
        time: T0 - HOUR + i * 1000,
        protocol: 'UDP',
        port: 123,
        src: externalEndpoint(`198.51.100.${i % 9}`),
        dst: podEndpoint('infra', 'ntp', '10.244.5.5'),
        bytesToDst: 48,
        bytesToSrc: 48 * 200,
        ...over,
      });
    await all.writeBatch({
      id: 'amp',
      source: 'goldmane',
      receivedAt: T0,
      flows: [
        udp(1, {}),
        udp(2, {}),
        // A source that names the pod only (a ReplicaSet's pods, wildcarded): folded into the
        // workload that another source names, so two rows make one key.
        udp(3, {
          dst: podEndpoint('kube-system', 'coredns', '10.96.0.10'),
          port: 53,
          bytesToDst: 60,
          bytesToSrc: 600,
        }),
        udp(4, {
          dst: podEndpoint('kube-system', 'coredns', '10.96.0.10', {
            workload: null,
            pod: 'coredns-5d78c9869d-*',
          }),
          port: 53,
          bytesToDst: 40,
          bytesToSrc: 1400,
        }),
        // Not counted: TCP, a pod as the peer, a port not in the list, outside the window.
        udp(5, { protocol: 'TCP', bytesToSrc: 1 }),
        udp(6, { src: podEndpoint('shop', 'web', '10.244.1.1'), bytesToSrc: 1 }),
        udp(7, { port: 5000, bytesToSrc: 1 }),
        udp(8, { time: T0 - 3 * HOUR, bytesToSrc: 1 }),
        // No request bytes reported: no ratio rather than a division by zero.
        udp(9, { dst: podEndpoint('infra', 'snmp', '10.244.5.6'), port: 161, bytesToDst: 0 }),
      ],
    });
    const ratios = await loadAmplificationRatios(all, { from: T0 - 2 * HOUR, to: T0 }, o);
    await all.close();
    expect(ratios).toEqual(
      new Map([
        ['prod-eu1|infra/ntp|123', 200],
        ['prod-eu1|kube-system/coredns|53', 2000 / 100],
      ]),
    );
  });
});
