import { describe, expect, it } from 'vitest';

import type { SourceHealthSnapshot } from '../../sources/source.js';
import type { SourceHealth } from '../../store/flow-store.js';
import type { GovernanceContext } from '../governance-context.js';
import { listSourceStatuses, registerSourceHealth, sourceHealthSummary } from './source-health.js';

const NOW = Date.UTC(2026, 2, 1, 12);

function snap(over: Partial<SourceHealthSnapshot>): SourceHealthSnapshot {
  return {
    name: 'hubble-relay://relay:4245',
    kind: 'hubble-relay',
    state: 'connected',
    lastDataAt: NOW - 1000,
    lastBatchAt: NOW - 1000,
    lagMs: 500,
    records: 10,
    lostEvents: 0,
    duplicatesSkipped: 0,
    errors: 0,
    lastError: null,
    reconnects: 0,
    ...over,
  };
}

function ctxWith(stored: SourceHealth[]): GovernanceContext {
  let now = NOW - 3_600_000;
  const ctx = {
    now: () => now,
    store: { sourceHealth: async () => stored },
  } as unknown as GovernanceContext;
  registerSourceHealth(ctx, () => [
    snap({ name: 'ok' }),
    snap({ name: 'late', lagMs: 10 * 60_000 }),
    snap({ name: 'quiet', lastDataAt: NOW - 20 * 60_000 }),
    snap({ name: 'down', state: 'reconnecting', errors: 3, lastError: 'refused', lostEvents: 7 }),
    snap({ name: 'new', state: 'starting', lastDataAt: null, lagMs: null }),
    snap({ name: 'k8s', kind: 'kubernetes', lastDataAt: NOW - 86_400_000 }),
  ]);
  now = NOW;
  return ctx;
}

describe('source health', () => {
  it('classifies running and stored sources', async () => {
    const ctx = ctxWith([
      {
        source: 'goldmane',
        lastDataAt: NOW - 60_000,
        lastBatchAt: NOW - 30_000,
        flowsTotal: 5,
        lostEventsTotal: 0,
      },
      {
        source: 'hubble',
        lastDataAt: NOW - 7_200_000,
        lastBatchAt: NOW - 7_200_000,
        flowsTotal: 9,
        lostEventsTotal: 2,
      },
    ]);
    const byName = Object.fromEntries(
      (await listSourceStatuses(ctx)).map((s) => [s.name, s.health]),
    );
    expect(byName).toEqual({
      ok: 'healthy',
      late: 'lagging',
      quiet: 'silent',
      down: 'failing',
      new: 'silent', // registered an hour ago and never connected
      k8s: 'healthy',
      'ingest:goldmane': 'healthy',
      'ingest:hubble': 'silent',
    });
    const summary = sourceHealthSummary(await listSourceStatuses(ctx));
    expect(summary.complete).toBe(false);
    expect(summary.gaps.map((g) => g.name).sort()).toEqual([
      'down',
      'ingest:hubble',
      'new',
      'quiet',
    ]);
    expect(summary.lostEvents).toBe(9);
    expect(summary.byHealth).toMatchObject({ healthy: 3, lagging: 1, silent: 3, failing: 1 });
  });

  it('is complete when nothing is silent or failing', () => {
    expect(sourceHealthSummary([]).complete).toBe(true);
  });
});
