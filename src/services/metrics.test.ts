import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { makeFlow, T0 } from '../store/contract/flow-fixtures.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import { createMetrics } from './metrics.js';

describe('store gauges on /metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netsec-metrics-'));
  afterEach(() => {
    vi.useRealTimers();
  });

  it('read the extent once a scrape and never count rows', async () => {
    const store = openSqliteStore({ path: join(dir, 'm.db') });
    try {
      await store.writeBatch({
        id: 'b1',
        flows: [makeFlow({ time: T0 }), makeFlow({ time: T0 + 60_000 })],
        source: 'hubble',
        receivedAt: T0,
      });
      const extent = vi.spyOn(store, 'extent');
      const stats = vi.spyOn(store, 'stats');
      vi.useFakeTimers({ toFake: ['Date'], now: T0 + 120_000 });
      const metrics = createMetrics(store);
      const text = await metrics.render();
      expect(text).toMatch(/^netsec_store_size_bytes [1-9]\d*$/m);
      expect(text).toContain(`netsec_store_oldest_data_timestamp_seconds ${T0 / 1000}\n`);
      expect(text).toContain(
        `netsec_store_newest_data_timestamp_seconds ${(T0 + 60_000) / 1000}\n`,
      );
      expect(extent).toHaveBeenCalledTimes(1);
      expect(stats).not.toHaveBeenCalled();
      // The next scrape reads again.
      vi.setSystemTime(T0 + 135_000);
      await metrics.render();
      expect(extent).toHaveBeenCalledTimes(2);
      expect(stats).not.toHaveBeenCalled();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
