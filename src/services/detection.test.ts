import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openSqliteStore, type SqliteFlowStore } from '../store/sqlite/sqlite-store.js';
import { makeFlow, podEndpoint, T0 } from '../testing/flow-factory.js';
import { AllowedMemo, detectRange } from './detection.js';
import { DetectionScheduler } from './detection-scheduler.js';
import { findingStoreFor } from './detection-store.js';

let store: SqliteFlowStore;
beforeEach(() => {
  store = openSqliteStore({ path: ':memory:', now: () => T0 });
});
afterEach(async () => {
  await store.close();
});

/** `n` denied flows from one client to one database port, a second apart, ending at T0. */
async function deniedBurst(n: number): Promise<void> {
  const flows = Array.from({ length: n }, (_, i) =>
    makeFlow({
      time: T0 - (n - i) * 1000,
      src: podEndpoint('shop', 'cart', 'cart-1'),
      dst: podEndpoint('payments', 'db', 'db-0'),
      port: 5432,
    }),
  );
  await store.writeBatch({ id: `burst-${n}`, flows, source: 'hubble', receivedAt: T0 });
}

describe('detectRange', () => {
  it('holds at most maxDeniedEvents denied events, the newest, and says it was cut', async () => {
    await deniedBurst(3000);
    const deps = { store, findings: findingStoreFor(store) };
    const range = { from: T0 - 2 * 3_600_000, to: T0 };
    const full = await detectRange(deps, range, { persist: false, now: T0 });
    expect(full).toMatchObject({ deniedEvents: 3000, truncated: false });
    const cut = await detectRange(deps, range, { persist: false, now: T0, maxDeniedEvents: 1000 });
    expect(cut).toMatchObject({ deniedEvents: 1000, truncated: true });
    // Still a finding about the burst, from its newest part.
    expect(full.findings.length).toBeGreaterThan(0);
    expect(cut.findings.map((f) => f.type)).toEqual(full.findings.map((f) => f.type));
    const start = (r: typeof cut): number => Math.min(...r.findings.map((f) => f.start));
    expect(start(cut)).toBeGreaterThanOrEqual(T0 - 1000 * 1000);
    expect(start(full)).toBeLessThan(T0 - 2000 * 1000);
  });
});

describe('detectRange with an AllowedMemo', () => {
  it('reuses the allowed part within a window, and reads again for the next one', async () => {
    const deps = { store, findings: findingStoreFor(store) };
    const step = 15 * 60_000;
    const range = { from: T0 - 2 * 3_600_000, to: T0 };
    const allowed = (port: number, time: number) =>
      makeFlow({
        time,
        verdict: 'allowed',
        reason: 'allowed-by-policy',
        src: podEndpoint('shop', 'web', 'web-1'),
        dst: podEndpoint('shop', 'api', 'api-1'),
        port,
      });
    await deniedBurst(200);
    const early = Array.from({ length: 30 }, (_, i) =>
      allowed(8080, T0 - 90 * 60_000 + i * 60_000),
    );
    await store.writeBatch({ id: 'a1', flows: early, source: 'hubble', receivedAt: T0 });
    const memo = new AllowedMemo();
    const plain = await detectRange(deps, range, { persist: false, now: T0 });
    const first = await detectRange(deps, range, { persist: false, now: T0, allowedMemo: memo });
    expect(first).toMatchObject({ allowedReused: false, series: plain.series });
    expect(first.series).toBeGreaterThan(0);
    // It also kept the baseline's whole past days (28 days back from 10:00: 27 of them) for the
    // next windows (HistoryMemo).
    expect(memo.history.size).toBe(27);
    expect(first.historyKept).toEqual({ days: 27, bins: memo.history.held.bins });
    // Late allowed data for a closed step of the same window: a new connection.
    await store.writeBatch({
      id: 'late',
      flows: [allowed(9090, T0 - 10 * 60_000)],
      source: 'hubble',
      receivedAt: T0,
    });
    const fresh = await detectRange(deps, range, { persist: false, now: T0 });
    expect(fresh.series).toBeGreaterThan(first.series);
    // Within the window the memo answers: same findings, the late connection not seen yet.
    const again = await detectRange(deps, range, {
      persist: false,
      now: T0 + 60_000,
      allowedMemo: memo,
    });
    expect(again).toMatchObject({ allowedReused: true, series: first.series });
    expect(again.findings.map((f) => f.key)).toEqual(first.findings.map((f) => f.key));
    expect(again.findings.length).toBeGreaterThan(0);
    // The next step's window reads again, late data included.
    const next = { from: range.from + step, to: range.to + step };
    const later = await detectRange(deps, next, {
      persist: false,
      now: T0 + step,
      allowedMemo: memo,
    });
    expect(later.allowedReused).toBe(false);
    expect(later.series).toBe(
      (await detectRange(deps, next, { persist: false, now: T0 + step })).series,
    );
    expect(later.series).toBeGreaterThan(first.series);
  });
});

describe('detectRange and the version table', () => {
  it('explains a denial by a rollout seen only in allowed traffic that was not kept raw', async () => {
    // Allowed flows are not kept as raw events at all: only the version table knows v1.
    const s = openSqliteStore({ path: ':memory:', now: () => T0, allowedSampleRate: 0 });
    const MIN = 60_000;
    const pod = (suffix: string, version: string) =>
      podEndpoint('shop', 'frontend', '10.244.1.17', {
        pod: `frontend-7d4b9c6f5-${suffix}`,
        labels: { app: 'frontend', 'app.kubernetes.io/version': version },
      });
    const v1 = Array.from({ length: 30 }, (_, i) =>
      makeFlow({
        time: T0 - 90 * MIN + i * MIN,
        verdict: 'allowed',
        reason: 'allowed-by-policy',
        src: pod('a1b2c', '1.0.0'),
      }),
    );
    // v2 appears at T0 - 10 min; one pod of it is denied 8 times within 2 minutes: short and
    // from one replica, so only the rollout makes it a misconfiguration.
    const v2 = Array.from({ length: 8 }, (_, i) =>
      makeFlow({ time: T0 - 8 * MIN + i * 15_000, src: pod('d4f5g', '1.1.0') }),
    );
    const first = makeFlow({
      time: T0 - 10 * MIN,
      verdict: 'allowed',
      reason: 'allowed-by-policy',
      src: pod('d4f5g', '1.1.0'),
    });
    await s.writeBatch({ id: 'v1', flows: v1, source: 'hubble', receivedAt: T0 });
    await s.writeBatch({ id: 'v2', flows: [first, ...v2], source: 'hubble', receivedAt: T0 });
    try {
      expect((await s.stats()).rawEvents).toBe(8);
      const deps = { store: s, findings: findingStoreFor(s) };
      const run = await detectRange(deps, { from: T0 - 2 * 3_600_000, to: T0 }, { now: T0 });
      expect(run.findings.map((f) => f.type)).toEqual(['misconfiguration']);
      expect(run.findings[0]?.explanation).toContain('version 1.1.0 first seen 2 min before');
      // Without the table's v1 sighting there is no rollout: the same burst is "unknown".
      s.db.prepare("DELETE FROM workload_versions WHERE version = '1.0.0'").run();
      const without = await detectRange(
        deps,
        { from: T0 - 2 * 3_600_000, to: T0 },
        {
          now: T0,
          persist: false,
        },
      );
      expect(without.findings.map((f) => f.type)).toEqual(['unknown']);
    } finally {
      await s.close();
    }
  });
});

describe('DetectionScheduler', () => {
  it('finds denials since the last closed step, without waiting for the step to close', async () => {
    // T0 is a step boundary; a port scan runs from 2 to 5 minutes after it.
    const scan = Array.from({ length: 40 }, (_, i) =>
      makeFlow({ time: T0 + 2 * 60_000 + i * 4000, port: 1000 + i }),
    );
    await store.writeBatch({ id: 'scan', flows: scan, source: 'hubble', receivedAt: T0 });
    const at = T0 + 6 * 60_000;
    const scheduler = new DetectionScheduler({
      store,
      findings: findingStoreFor(store),
      now: () => at,
    });
    const run = await scheduler.runNow(at);
    expect(run?.to).toBe(T0);
    expect(run?.findings.map((f) => f.type)).toEqual(['port-scan']);
    expect(run?.deniedEvents).toBe(40);
  });

  it('starts a data-triggered run no sooner than minGapMs after the previous one', async () => {
    const starts: number[] = [];
    const scheduler = new DetectionScheduler(
      { store, findings: findingStoreFor(store), now: () => T0 },
      // When each run started: runs differ in length (the second reuses the allowed part).
      {
        debounceMs: 10,
        minGapMs: 400,
        onRun: (run) => starts.push(performance.now() - run.elapsedMs),
      },
    );
    scheduler.dataArrived();
    await new Promise((r) => setTimeout(r, 100));
    expect(starts).toHaveLength(1);
    scheduler.dataArrived();
    await new Promise((r) => setTimeout(r, 100));
    expect(starts).toHaveLength(1); // held back by the gap, not dropped
    await new Promise((r) => setTimeout(r, 500));
    expect(starts).toHaveLength(2);
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(390);
    await scheduler.stop();
  });

  it("spaces data-triggered runs by gapFactor times the last run's duration", async () => {
    const starts: number[] = [];
    // A run that takes 150 ms (computed elsewhere, as on the detection thread).
    const compute = async (range: { from: number; to: number }) => {
      starts.push(performance.now());
      await new Promise((r) => setTimeout(r, 150));
      return {
        ...range,
        findings: [],
        deniedEvents: 0,
        truncated: false,
        series: 0,
        allowedReused: false,
        historyKept: null,
        elapsedMs: 150,
        phases: { denied: 0, allowed: 0, peers: 0, reconcile: 0, persist: 0 },
        heapUsedMb: 0,
      };
    };
    const scheduler = new DetectionScheduler(
      { store, findings: findingStoreFor(store), now: () => T0 },
      { debounceMs: 10, minGapMs: 50, gapFactor: 3, compute },
    );
    scheduler.dataArrived();
    await new Promise((r) => setTimeout(r, 200));
    expect(starts).toHaveLength(1);
    scheduler.dataArrived();
    await new Promise((r) => setTimeout(r, 150));
    expect(starts).toHaveLength(1); // 3 × 150 ms from the first start: not yet
    await new Promise((r) => setTimeout(r, 400));
    expect(starts).toHaveLength(2);
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(440);
    await scheduler.stop();
  });
});
