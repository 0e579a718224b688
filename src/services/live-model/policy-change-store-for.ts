/** The policy-change journal that lives next to a flow store (same database). */
import type { FlowStore } from '../../store/flow-store.js';
import type { PolicyChangeStore } from '../../store/policy-change-store.js';
import { pgCompanionsOf } from '../../store/postgres/companions.js';
import { openSqlitePolicyChangeStore } from '../../store/sqlite/policy-change-store-sqlite.js';
import { SqliteFlowStore } from '../../store/sqlite/sqlite-store.js';

/** Backends without a policy_changes table yet: every call fails with a clear message. */
function unavailablePolicyChanges(): PolicyChangeStore {
  return new Proxy({} as PolicyChangeStore, {
    get: () => () =>
      Promise.reject(
        new Error('this store has no policy-change journal (SQLite and PostgreSQL have one)'),
      ),
  });
}

/**
 * @example const journal = policyChangeStoreFor(services.store);
 */
export function policyChangeStoreFor(store: FlowStore): PolicyChangeStore {
  if (store instanceof SqliteFlowStore) return openSqlitePolicyChangeStore(store.db);
  return pgCompanionsOf(store)?.policyChanges() ?? unavailablePolicyChanges();
}
