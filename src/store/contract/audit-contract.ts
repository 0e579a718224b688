/**
 * Contract suite for `AuditStore`: every backend runs it (SQLite in
 * `sqlite/audit-contract.test.ts`, PostgreSQL in `postgres/companion-stores.test.ts`). The
 * store computes no hashes: the tests seal entries with a plain SHA-256 of the link.
 * @example describeAuditStoreContract('sqlite', async () => ({ store, cleanup: async () => {} }));
 */
import { createHash } from 'node:crypto';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { AuditDraft, AuditRecord, AuditStore } from '../audit-store.js';

export interface OpenedAuditStore {
  store: AuditStore;
  cleanup(): Promise<void>;
}

const T = Date.UTC(2026, 0, 20, 12);
export const GENESIS = '0'.repeat(64);

export function auditDraft(over: Partial<AuditDraft> = {}): AuditDraft {
  return {
    time: T,
    actor: 'alice',
    action: 'login',
    target: null,
    outcome: 'ok',
    ip: '10.0.0.1',
    details: '{"a":1}',
    ...over,
  };
}

/** A stand-in for the audit service's hash: the previous hash, the sequence and the draft. */
export function sealOf(draft: AuditDraft): (seq: number, prev: string) => string {
  return (seq, prev) =>
    createHash('sha256')
      .update(`${prev}\n${seq}\n${JSON.stringify(draft)}`)
      .digest('hex');
}

/** Every entry in order, from a sync or async `all()`. */
export async function allEntries(store: AuditStore): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const e of store.all()) out.push(e);
  return out;
}

/** Throws unless the entries form one linear chain 1..n ending at the recorded head. */
export async function expectLinearChain(store: AuditStore, n: number): Promise<void> {
  const entries = await allEntries(store);
  expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  let prev = GENESIS;
  for (const e of entries) {
    expect(e.prevHash).toBe(prev);
    const { seq, prevHash, hash, ...draft } = e;
    expect(sealOf(draft)(seq, prevHash)).toBe(hash);
    prev = e.hash;
  }
  expect(await store.head()).toEqual(n === 0 ? null : { seq: n, hash: prev });
}

export function describeAuditStoreContract(
  label: string,
  open: () => Promise<OpenedAuditStore>,
): void {
  describe(`AuditStore contract: ${label}`, () => {
    let handle: OpenedAuditStore | null = null;
    const store = (): AuditStore => {
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
    const append = (over: Partial<AuditDraft> = {}): Promise<AuditRecord> => {
      const d = auditDraft(over);
      return store().append(d, sealOf(d));
    };

    it('starts empty, then chains each entry to the previous hash', async () => {
      expect(await store().head()).toBeNull();
      expect(await allEntries(store())).toEqual([]);
      const first = await append();
      expect(first).toMatchObject({ seq: 1, prevHash: GENESIS, actor: 'alice' });
      const second = await append({ actor: 'bob', target: 'user:u2', outcome: 'denied', ip: null });
      expect(second).toMatchObject({ seq: 2, prevHash: first.hash, target: 'user:u2' });
      expect(await store().head()).toEqual({ seq: 2, hash: second.hash });
      expect(await allEntries(store())).toEqual([first, second]);
      await expectLinearChain(store(), 2);
    });

    it('queries newest first with filters and paging', async () => {
      await append({ time: T, actor: 'alice', action: 'login' });
      await append({ time: T + 10, actor: 'bob', action: 'login', outcome: 'failed' });
      await append({ time: T + 20, actor: 'alice', action: 'user.create' });
      const seqs = async (f: Parameters<AuditStore['query']>[0]): Promise<number[]> =>
        (await store().query(f)).map((e) => e.seq);
      expect(await seqs({})).toEqual([3, 2, 1]);
      expect(await seqs({ actor: 'alice' })).toEqual([3, 1]);
      expect(await seqs({ action: 'login' })).toEqual([2, 1]);
      expect(await seqs({ outcome: 'failed' })).toEqual([2]);
      expect(await seqs({ from: T + 10 })).toEqual([3, 2]);
      expect(await seqs({ to: T + 10 })).toEqual([1]);
      expect(await seqs({ before: 3, limit: 1 })).toEqual([2]);
      expect(await seqs({ actor: 'al\0ice' })).toEqual([]);
    });

    it('keeps text exactly as hashed, including markup and quotes', async () => {
      const e = await append({
        actor: "o'brien <script>",
        target: '=HYPERLINK("x")',
        details: '{"name":"x\\u0000y","emoji":"\u{1F600}"}',
      });
      const [back] = await store().query({});
      expect(back).toEqual(e);
      await expectLinearChain(store(), 1);
    });

    it('stays one linear chain under concurrent appends', async () => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => append({ actor: `a${i}` })));
      await expectLinearChain(store(), 20);
    });
  });
}
