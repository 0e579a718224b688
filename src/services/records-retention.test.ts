import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { CONFIG_DEFAULTS } from '../api/config-schema.js';
import { findingFixture } from '../store/contract/finding-contract.js';
import { buildServices, openFlowStore, type Services } from './config-store.js';
import { applyRecordsRetention } from './records-retention.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2029, 5, 1);

describe('records retention', () => {
  let dir = '';
  let services: Services | null = null;
  afterEach(async () => {
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes finished findings older than retention.records and keeps open ones', async () => {
    dir = mkdtempSync(join(tmpdir(), 'netsec-records-'));
    const config = structuredClone(CONFIG_DEFAULTS);
    config.store.path = join(dir, 'netsec.db');
    config.retention.records = 365 * DAY;
    services = buildServices(await openFlowStore(config), { config, now: () => NOW });
    const old = NOW - 400 * DAY;
    await services.governance.findings.upsertFindings([
      findingFixture({
        id: 'old-closed',
        key: 'k1',
        start: old,
        end: old + 60_000,
        status: 'closed',
      }),
      findingFixture({ id: 'recent', key: 'k2', start: NOW - DAY, end: NOW - DAY + 60_000 }),
    ]);
    const r = await applyRecordsRetention(services.governance, NOW);
    expect(r).toMatchObject({ cutoff: NOW - 365 * DAY, findings: 1, reviews: 0, incidents: 0 });
    const left = await services.governance.findings.listFindings({ from: 0, to: NOW + DAY });
    expect(left.map((f) => f.id)).toEqual(['recent']);
  });
});
