import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { openSqliteStore, type SqliteFlowStore } from '../store/sqlite/sqlite-store.js';
import { makeFlow, podEndpoint, T0 } from '../testing/flow-factory.js';
import { detectRange } from './detection.js';
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

describe('DetectionScheduler', () => {
  it('starts a data-triggered run no sooner than minGapMs after the previous one', async () => {
    const starts: number[] = [];
    const scheduler = new DetectionScheduler(
      { store, findings: findingStoreFor(store), now: () => T0 },
      { debounceMs: 10, minGapMs: 400, onRun: () => starts.push(performance.now()) },
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
});
