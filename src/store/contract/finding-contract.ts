/**
 * Contract suite for `FindingStore`: every backend runs it (SQLite in
 * `sqlite/finding-contract.test.ts`, PostgreSQL in `postgres/companion-stores.test.ts`).
 * @example describeFindingStoreContract('sqlite', async () => ({ store, cleanup: async () => {} }));
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Finding } from '../../domain/detect/finding.js';
import type { FindingStore } from '../finding-store.js';

export interface OpenedFindingStore {
  store: FindingStore;
  cleanup(): Promise<void>;
}

const T = Date.UTC(2026, 0, 20, 12);
const H = 3_600_000;

export function findingFixture(over: Partial<Finding> = {}): Finding {
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
    explanation: 'scan \u001b[31m <b>',
    samples: ['port 22'],
    updatedAt: T,
    ...over,
  };
}

const spike = (over: Partial<Finding> = {}): Finding =>
  findingFixture({
    id: 'f2',
    key: 'k2',
    type: 'traffic-spike',
    severity: 'low',
    start: T + H,
    end: T + 2 * H,
    subject: { cluster: 'c2', namespace: 'billing', workload: null, peer: null },
    ...over,
  });

export function describeFindingStoreContract(
  label: string,
  open: () => Promise<OpenedFindingStore>,
): void {
  describe(`FindingStore contract: ${label}`, () => {
    let handle: OpenedFindingStore | null = null;
    const store = (): FindingStore => {
      if (!handle) throw new Error('no store');
      return handle.store;
    };
    beforeEach(async () => {
      handle = await open();
    });
    afterEach(async () => {
      await handle?.cleanup();
      handle = null;
    });
    const ids = async (f: Parameters<FindingStore['listFindings']>[0]): Promise<string[]> =>
      (await store().listFindings(f)).map((x) => x.id);

    it('round-trips every field, and upserts replace by id', async () => {
      expect(await store().upsertFindings([findingFixture(), spike()])).toBe(2);
      expect(await store().getFinding('f1')).toEqual(findingFixture());
      expect(await store().getFinding('f2')).toEqual(spike());
      const grown = findingFixture({
        end: T + 120_000,
        evidence: { ...findingFixture().evidence, observed: 99 },
        samples: [],
        updatedAt: T + 120_000,
      });
      expect(await store().upsertFindings([grown])).toBe(1);
      expect(await store().getFinding('f1')).toEqual(grown);
      expect(await store().getFinding('nope')).toBeNull();
      expect(await store().upsertFindings([])).toBe(0);
    });

    it('lists newest end first and filters by time, type, status, severity, cluster, namespace and key', async () => {
      await store().upsertFindings([findingFixture(), spike()]);
      expect(await ids({})).toEqual(['f2', 'f1']);
      expect(await ids({ from: T + H })).toEqual(['f2']);
      expect(await ids({ to: T + H })).toEqual(['f1']);
      // Overlap of [from, to): a finding ending exactly at `from` is outside.
      expect(await ids({ from: T + 60_000 })).toEqual(['f2']);
      expect(await ids({ type: ['traffic-spike'] })).toEqual(['f2']);
      expect(await ids({ type: [] })).toEqual([]);
      expect(await ids({ minSeverity: 'medium' })).toEqual(['f1']);
      expect(await ids({ minSeverity: 'info' })).toEqual(['f2', 'f1']);
      expect(await ids({ keys: ['k2'] })).toEqual(['f2']);
      expect(await ids({ cluster: ['c1'] })).toEqual(['f1']);
      expect(await ids({ namespace: ['billing', 'other'] })).toEqual(['f2']);
      expect(await ids({ status: ['closed'] })).toEqual([]);
      expect(await ids({ limit: 1 })).toEqual(['f2']);
      await expect(store().listFindings({ limit: 0 })).rejects.toThrow(/limit/);
      await expect(store().listFindings({ limit: 10_001 })).rejects.toThrow(/limit/);
    });

    it('orders findings with the same end by id', async () => {
      await store().upsertFindings([findingFixture({ id: 'b' }), findingFixture({ id: 'a' })]);
      expect(await ids({})).toEqual(['a', 'b']);
    });

    it('closes stale open findings and deletes ended ones', async () => {
      await store().upsertFindings([findingFixture(), spike()]);
      expect(await store().closeStale(T + H, 30 * 60_000)).toBe(1);
      expect(await store().getFinding('f1')).toMatchObject({ status: 'closed', updatedAt: T + H });
      expect((await store().getFinding('f2'))?.status).toBe('open');
      expect(await store().closeStale(T + H, 30 * 60_000)).toBe(0);
      expect(await ids({ status: ['closed'] })).toEqual(['f1']);
      expect(await store().deleteEndedBefore(T + H)).toBe(1);
      expect(await store().getFinding('f1')).toBeNull();
      expect(await store().deleteEndedBefore(T + H)).toBe(0);
    });

    it('keeps attacker-controlled names as text and finds them again by key', async () => {
      const odd = findingFixture({
        id: 'odd',
        key: "port-scan|c1|sh'op|=cmd()|x|",
        subject: {
          cluster: 'c1',
          namespace: "sh'op; DROP TABLE findings;--",
          workload: '=cmd()',
          peer: null,
        },
      });
      await store().upsertFindings([odd]);
      expect(await store().getFinding('odd')).toEqual(odd);
      expect(await ids({ keys: [odd.key] })).toEqual(['odd']);
      expect(await ids({ namespace: ["sh'op; DROP TABLE findings;--"] })).toEqual(['odd']);
    });
  });
}
