import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import type { Finding } from '../../domain/detect/finding.js';
import { openSqliteFindingStore } from './finding-store-sqlite.js';
import { openSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'netsec-findings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T = Date.UTC(2026, 0, 20, 12);

function finding(over: Partial<Finding> = {}): Finding {
  return {
    id: 'f1',
    key: 'port-scan|c1|shop|web|x|',
    type: 'port-scan',
    severity: 'high',
    confidence: 0.9,
    start: T,
    end: T + 60_000,
    status: 'open',
    subject: { cluster: 'c1', namespace: 'shop', workload: 'web', peer: 'payments/api' },
    evidence: {
      unit: 'flows',
      observed: 40,
      usual: null,
      spread: null,
      distinctPorts: 40,
      distinctHosts: 1,
      ratePerMin: 40,
      extra: { sensitivePorts: 2 },
    },
    explanation: 'scan \u001b[31m',
    samples: ['port 22'],
    updatedAt: T,
    ...over,
  };
}

describe('SqliteFindingStore', () => {
  it('upserts by id, lists by time, type, status, severity and key, and closes stale findings', async () => {
    const flows = openSqliteStore({ path: join(dir, 'f.db') });
    const store = openSqliteFindingStore(flows.db);
    await store.upsertFindings([
      finding(),
      finding({
        id: 'f2',
        key: 'k2',
        type: 'traffic-spike',
        severity: 'low',
        start: T + 3_600_000,
        end: T + 7_200_000,
      }),
    ]);
    await store.upsertFindings([
      finding({ end: T + 120_000, evidence: { ...finding().evidence, observed: 99 } }),
    ]);
    expect(await store.getFinding('f1')).toMatchObject({
      end: T + 120_000,
      evidence: { observed: 99, extra: { sensitivePorts: 2 } },
      explanation: 'scan \u001b[31m',
    });
    expect((await store.listFindings()).map((f) => f.id)).toEqual(['f2', 'f1']);
    expect((await store.listFindings({ from: T + 3_600_000 })).map((f) => f.id)).toEqual(['f2']);
    expect((await store.listFindings({ to: T + 3_600_000 })).map((f) => f.id)).toEqual(['f1']);
    expect((await store.listFindings({ type: ['traffic-spike'] })).map((f) => f.id)).toEqual([
      'f2',
    ]);
    expect((await store.listFindings({ minSeverity: 'medium' })).map((f) => f.id)).toEqual(['f1']);
    expect((await store.listFindings({ keys: ['k2'] })).map((f) => f.id)).toEqual(['f2']);
    expect(await store.closeStale(T + 3_600_000, 30 * 60_000)).toBe(1);
    expect((await store.getFinding('f1'))?.status).toBe('closed');
    expect((await store.getFinding('f2'))?.status).toBe('open');
    expect(await store.deleteEndedBefore(T + 3_600_000)).toBe(1);
    expect(await store.getFinding('f1')).toBeNull();
    await expect(store.listFindings({ limit: 0 })).rejects.toThrow(/limit/);
    await flows.close();
  });
});
