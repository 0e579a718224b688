/**
 * Contract suite of the PolicyChangeStore: every backend runs it.
 * @example
 * describePolicyChangeStoreContract('sqlite', async () => {
 *   const store = openSqliteStore({ path: ':memory:' });
 *   await store.migrate();
 *   return { store: openSqlitePolicyChangeStore(store.db), cleanup: () => store.close() };
 * });
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { PolicyChangeRecord, PolicyChangeStore } from '../policy-change-store.js';

export type PolicyChangeStoreFactory = () => Promise<{
  store: PolicyChangeStore;
  cleanup(): Promise<void>;
}>;

const T = Date.UTC(2026, 2, 1, 12);

/** A change record with sensible defaults (exported for other backends' own tests). */
export function policyChange(over: Partial<PolicyChangeRecord> = {}): PolicyChangeRecord {
  return {
    id: 'c1',
    time: T,
    cluster: 'prod',
    kind: 'NetworkPolicy',
    type: 'added',
    namespace: 'shop',
    name: 'allow-web',
    resourceVersion: '10',
    seenBy: 'watch',
    summary: 'added: ingress rules 1',
    diff: ['spec.ingress: 1 rule'],
    after: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'] },
    ...over,
  };
}

export function describePolicyChangeStoreContract(
  label: string,
  open: PolicyChangeStoreFactory,
): void {
  describe(`PolicyChangeStore contract: ${label}`, () => {
    let handle: Awaited<ReturnType<PolicyChangeStoreFactory>>;
    beforeEach(async () => {
      handle = await open();
    });
    afterEach(async () => {
      await handle.cleanup();
    });

    it('stores every field and reads it back unchanged', async () => {
      const c = policyChange({ summary: 'x\u001b[31m; "quoted"', after: { a: [1, { b: null }] } });
      expect(await handle.store.recordPolicyChanges([c])).toBe(1);
      expect(await handle.store.listPolicyChanges()).toEqual([c]);
      const del = policyChange({ id: 'c2', type: 'deleted', after: null, resourceVersion: null });
      await handle.store.recordPolicyChanges([del]);
      const got = await handle.store.listPolicyChanges({ from: T, to: T + 1 });
      expect(got.find((x) => x.id === 'c2')).toEqual(del);
    });

    it('skips ids already stored (recording twice keeps one)', async () => {
      const c = policyChange();
      await handle.store.recordPolicyChanges([c]);
      expect(await handle.store.recordPolicyChanges([c, policyChange({ id: 'c2' })])).toBe(1);
      expect(await handle.store.listPolicyChanges()).toHaveLength(2);
    });

    it('filters by time [from, to), cluster, namespace and kind; newest first', async () => {
      await handle.store.recordPolicyChanges([
        policyChange({ id: 'a', time: T }),
        policyChange({ id: 'b', time: T + 1000, cluster: 'dev' }),
        policyChange({ id: 'c', time: T + 2000, namespace: 'pay' }),
        policyChange({ id: 'd', time: T + 3000, kind: 'Namespace', namespace: 'pay', name: 'pay' }),
      ]);
      const ids = async (
        f: Parameters<PolicyChangeStore['listPolicyChanges']>[0],
      ): Promise<string[]> => (await handle.store.listPolicyChanges(f)).map((c) => c.id);
      expect(await ids({})).toEqual(['d', 'c', 'b', 'a']);
      expect(await ids({ from: T + 1000, to: T + 3000 })).toEqual(['c', 'b']);
      expect(await ids({ cluster: ['prod'] })).toEqual(['d', 'c', 'a']);
      expect(await ids({ namespace: ['pay'] })).toEqual(['d', 'c']);
      expect(await ids({ namespace: [] })).toEqual([]);
      expect(await ids({ kind: ['Namespace'] })).toEqual(['d']);
      expect(await ids({ limit: 2 })).toEqual(['d', 'c']);
      await expect(handle.store.listPolicyChanges({ limit: 0 })).rejects.toThrow();
      await expect(handle.store.listPolicyChanges({ limit: 10_001 })).rejects.toThrow();
    });

    it('latest state per object leaves out deleted objects and other clusters', async () => {
      await handle.store.recordPolicyChanges([
        policyChange({ id: '1', time: T, name: 'p1' }),
        policyChange({ id: '2', time: T + 1, name: 'p1', type: 'modified', resourceVersion: '11' }),
        policyChange({ id: '3', time: T, name: 'p2' }),
        policyChange({ id: '4', time: T + 2, name: 'p2', type: 'deleted', after: null }),
        policyChange({ id: '5', time: T, kind: 'Namespace', namespace: 'shop', name: 'shop' }),
        policyChange({ id: '6', time: T, cluster: 'dev', name: 'p3' }),
      ]);
      const latest = await handle.store.latestPolicyStates('prod');
      expect(latest.map((c) => c.id).sort()).toEqual(['2', '5']);
    });

    it('deletes changes older than the retention cut-off', async () => {
      await handle.store.recordPolicyChanges([
        policyChange({ id: 'old', time: T - 10 }),
        policyChange({ id: 'new', time: T }),
      ]);
      expect(await handle.store.deletePolicyChangesBefore(T)).toBe(1);
      expect((await handle.store.listPolicyChanges()).map((c) => c.id)).toEqual(['new']);
    });
  });
}
