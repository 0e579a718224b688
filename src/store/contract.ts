/**
 * The FlowStore contract: one vitest suite that every backend must pass (DESIGN.md §7.4).
 *
 * @example
 * describeStoreContract('sqlite', async () => {
 *   const dir = mkdtempSync(join(tmpdir(), 'netsec-'));
 *   let store = openSqliteStore({ path: join(dir, 'db.sqlite') });
 *   return {
 *     store,
 *     reopen: async () => (store = openSqliteStore({ path: join(dir, 'db.sqlite') })),
 *     cleanup: async () => { await store.close(); rmSync(dir, { recursive: true }); },
 *   };
 * });
 */
import { afterEach, beforeEach, describe } from 'vitest';

import type { ContractContext, StoreFactory, StoreHandle } from './contract/context.js';
import { registerGroupTests } from './contract/group-tests.js';
import { registerLifecycleTests } from './contract/lifecycle-tests.js';
import { registerQueryTests } from './contract/query-tests.js';
import { registerReplyBytesTests } from './contract/reply-bytes-tests.js';
import { registerRollupTests } from './contract/rollup-tests.js';
import { registerSearchTests } from './contract/search-tests.js';
import { registerVersionTests } from './contract/version-tests.js';
import { registerWriteTests } from './contract/write-tests.js';

export type { StoreFactory, StoreHandle } from './contract/context.js';

/**
 * Registers the contract tests for one implementation. `factory` must return an empty store
 * that uses the default sampling rate (0.1), and `reopen` must open a new store on the same data
 * after the test closed the first one; `cleanup` closes whatever is open and removes the data.
 */
export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`FlowStore contract: ${name}`, () => {
    let handle: StoreHandle | null = null;
    let current: StoreHandle['store'] | null = null;
    beforeEach(async () => {
      handle = await factory();
      current = handle.store;
    });
    afterEach(async () => {
      await handle?.cleanup();
      handle = null;
      current = null;
    });
    const ctx: ContractContext = {
      store: () => {
        if (!current) throw new Error('no store: used outside a test');
        return current;
      },
      reopen: async () => {
        if (!handle) throw new Error('no store: used outside a test');
        current = await handle.reopen();
        return current;
      },
    };
    registerWriteTests(ctx);
    registerGroupTests(ctx);
    registerQueryTests(ctx);
    registerRollupTests(ctx);
    registerReplyBytesTests(ctx);
    registerSearchTests(ctx);
    registerLifecycleTests(ctx);
    registerVersionTests(ctx);
  });
}
