/**
 * Contract suite of the ReportStore: every backend runs it.
 * @example describeReportStoreContract('sqlite', async () => ({ store, cleanup }))
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CoverageSample, IssuedReport, ReportStore } from '../report-store.js';

const T = Date.UTC(2026, 10, 25, 12);

function report(over: Partial<IssuedReport> = {}): IssuedReport {
  return {
    id: 'r1',
    kind: 'annual',
    period: '2026',
    format: 'html',
    scope: { cluster: 'prod', namespaces: ['shop', 'pay"ments'] },
    sha256: 'AB'.repeat(32),
    sizeBytes: 3,
    issuedBy: 'alice',
    issuedAt: T,
    auditSeq: 7,
    fileName: 'netsec-annual-2026.html',
    ...over,
  };
}

function sample(over: Partial<CoverageSample> = {}): CoverageSample {
  return {
    day: Date.UTC(2026, 10, 25),
    cluster: 'prod',
    namespace: 'shop',
    workloads: 4,
    ingressIsolated: 3,
    egressIsolated: 1,
    takenAt: T,
    ...over,
  };
}

export function describeReportStoreContract(
  label: string,
  open: () => Promise<{ store: ReportStore; cleanup(): Promise<void> }>,
): void {
  describe(`ReportStore contract: ${label}`, () => {
    let store: ReportStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => cleanup());

    it('records a report with its document and finds it by id and by hash (any case)', async () => {
      await store.recordIssued(report(), new Uint8Array([1, 2, 3]));
      expect(await store.getReport('r1')).toEqual(report({ sha256: 'ab'.repeat(32) }));
      expect([...((await store.getDocument('r1')) ?? [])]).toEqual([1, 2, 3]);
      expect((await store.findByHash('ab'.repeat(32))).map((r) => r.id)).toEqual(['r1']);
      expect((await store.findByHash('AB'.repeat(32))).map((r) => r.id)).toEqual(['r1']);
    });

    it('answers null and [] for unknown ids and hashes', async () => {
      expect(await store.getReport('nope')).toBeNull();
      expect(await store.getDocument('nope')).toBeNull();
      expect(await store.findByHash('00'.repeat(32))).toEqual([]);
    });

    it('keeps a null scope and a null audit sequence', async () => {
      const r = report({ scope: { cluster: null, namespaces: null }, auditSeq: null });
      await store.recordIssued(r, new Uint8Array());
      expect(await store.getReport('r1')).toEqual({ ...r, sha256: 'ab'.repeat(32) });
    });

    it('refuses a second report with the same id', async () => {
      await store.recordIssued(report(), new Uint8Array([1]));
      await expect(store.recordIssued(report(), new Uint8Array([2]))).rejects.toThrow();
    });

    it('lists newest first, with a limit and a kind filter', async () => {
      await store.recordIssued(report({ id: 'a', issuedAt: T }), new Uint8Array());
      await store.recordIssued(
        report({ id: 'b', issuedAt: T + 1, kind: 'daily' }),
        new Uint8Array(),
      );
      await store.recordIssued(report({ id: 'c', issuedAt: T + 2 }), new Uint8Array());
      expect((await store.listReports()).map((r) => r.id)).toEqual(['c', 'b', 'a']);
      expect((await store.listReports({ limit: 1 })).map((r) => r.id)).toEqual(['c']);
      expect((await store.listReports({ kind: 'daily' })).map((r) => r.id)).toEqual(['b']);
    });

    it('upserts coverage samples per day, cluster and namespace and lists a range', async () => {
      const d0 = Date.UTC(2026, 10, 24);
      const d1 = Date.UTC(2026, 10, 25);
      await store.putCoverageSamples([
        sample({ day: d0 }),
        sample({ day: d1 }),
        sample({ day: d1, namespace: 'pay' }),
        sample({ day: d1, cluster: 'dev' }),
      ]);
      await store.putCoverageSamples([sample({ day: d1, workloads: 9 })]);
      const all = await store.listCoverageSamples(d0, d1 + 1);
      expect(all).toHaveLength(4);
      const prod = await store.listCoverageSamples(d1, d1 + 1, 'prod');
      expect(prod.map((s) => [s.namespace, s.workloads])).toEqual([
        ['pay', 4],
        ['shop', 9],
      ]);
      expect(await store.listCoverageSamples(d1 + 1, d1 + 2)).toEqual([]);
    });
  });
}
