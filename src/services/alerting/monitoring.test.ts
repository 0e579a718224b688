import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { CONFIG_DEFAULTS } from '../../api/config-schema.js';
import { openTestStores, type TestStores } from '../../testing/alerting-fixtures.js';
import { fixture } from '../../testing/fixtures/formats/run-parser.js';
import { buildServices } from '../config-store.js';
import { splitLines } from '../ingest.js';
import { startMonitoring } from './monitoring.js';

const LINES = splitLines(fixture('hubble-flows.jsonl'));

describe('startMonitoring', () => {
  let stores: TestStores;
  beforeEach(async () => {
    stores = await openTestStores();
  });
  afterEach(() => stores.close());

  it('tells the detection scheduler about each ingest run that stored flows', async () => {
    const services = buildServices(stores.store, { groupCommit: false });
    const monitoring = startMonitoring(services, structuredClone(CONFIG_DEFAULTS));
    try {
      expect(monitoring.scheduler).not.toBeNull();
      const arrived = vi.spyOn(monitoring.scheduler!, 'dataArrived').mockImplementation(() => {});
      await services.ingest.ingestLines([LINES], { format: 'hubble', cluster: 'c1' });
      expect(arrived).toHaveBeenCalledTimes(1);
      // The same lines again are duplicates: nothing new stored, no detection run asked for.
      await services.ingest.ingestLines([LINES], { format: 'hubble', cluster: 'c1' });
      expect(arrived).toHaveBeenCalledTimes(1);
    } finally {
      await monitoring.stop();
    }
  });

  it('runs without detection and alerting on a store that keeps no findings', async () => {
    const services = buildServices(stores.store, { groupCommit: false });
    // A stand-in for a store without a findings table (PostgreSQL, for now).
    const warnings: string[] = [];
    const monitoring = startMonitoring(
      { ...services, store: { ...services.store, queryRollups: async () => [] } },
      structuredClone(CONFIG_DEFAULTS),
      { log: { debug: () => {}, warn: (_o, m) => warnings.push(m), error: () => {} } },
    );
    expect(monitoring.scheduler).toBeNull();
    expect(monitoring.alerting).toBeNull();
    expect(warnings[0]).toContain('this store keeps no findings');
    await monitoring.stop();
  });
});
