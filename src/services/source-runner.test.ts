import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';

import { CONFIG_DEFAULTS } from '../api/config-schema.js';
import { fixture } from '../testing/fixtures/formats/run-parser.js';
import { buildServices, openFlowStore } from './config-store.js';
import { createSources, SourceRunner, SourceSpecError } from './source-runner.js';

describe('source runner', () => {
  it('ingests a tailed Hubble file into the store once and exports source health', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netsec-runner-'));
    const config = structuredClone(CONFIG_DEFAULTS);
    config.store.path = join(dir, 'netsec.db');
    const services = buildServices(await openFlowStore(config), { config });
    const log = join(dir, 'events.log');
    writeFileSync(log, fixture('hubble-flows.jsonl'));
    const registry = new Registry();
    const sources = createSources([`file://${log}`], { cluster: 'demo', stateDir: dir });
    const runner = new SourceRunner({
      sources,
      ingest: services.ingest,
      cluster: 'demo',
      registry,
    });
    runner.start();
    const end = Date.now() + 15_000;
    while ((runner.health()[0]?.records ?? 0) === 0 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await runner.stop();
    const lines = fixture('hubble-flows.jsonl').trim().split('\n').length;
    expect(runner.health()[0]).toMatchObject({ kind: 'file', records: lines, state: 'stopped' });
    expect((await services.store.stats()).batches).toBeGreaterThan(0);
    const text = await registry.metrics();
    expect(text).toMatch(
      new RegExp(`netsec_source_records_total\\{source="file://${log}",kind="file"\\} ${lines}`),
    );
    expect(text).toContain('netsec_source_last_data_timestamp_seconds');
    await services.close();
  });

  it('names a bad spec', () => {
    expect(() => createSources(['ftp://x'], { cluster: 'c' })).toThrow(SourceSpecError);
  });
});
