/** The findings store that lives next to a flow store (same database). */
import type { FindingStore } from '../store/finding-store.js';
import type { FlowStore } from '../store/flow-store.js';
import { pgCompanionsOf } from '../store/postgres/companions.js';
import { openSqliteFindingStore } from '../store/sqlite/finding-store-sqlite.js';
import { SqliteFlowStore } from '../store/sqlite/sqlite-store.js';

/** Backends without a findings table yet: every call fails with a clear message. */
function unavailableFindings(): FindingStore {
  return new Proxy({} as FindingStore, {
    get: () => () =>
      Promise.reject(
        new Error('findings need the SQLite or PostgreSQL store; this store has no findings table'),
      ),
  });
}

/** Whether the backend of this flow store keeps findings (SQLite and PostgreSQL do). */
export function keepsFindings(store: FlowStore): boolean {
  return store instanceof SqliteFlowStore || pgCompanionsOf(store) !== null;
}

export function findingStoreFor(store: FlowStore): FindingStore {
  if (store instanceof SqliteFlowStore) return openSqliteFindingStore(store.db);
  const pg = pgCompanionsOf(store);
  if (pg) return pg.findings();
  return unavailableFindings();
}
