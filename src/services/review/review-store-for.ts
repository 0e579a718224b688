/** The review store that lives next to a flow store (same database). */
import type { FlowStore } from '../../store/flow-store.js';
import { pgCompanionsOf } from '../../store/postgres/companions.js';
import type { ReviewStore } from '../../store/review-store.js';
import { openSqliteReviewStore } from '../../store/sqlite/review-store-sqlite.js';
import { SqliteFlowStore } from '../../store/sqlite/sqlite-store.js';

/** Backends without review tables yet: every call fails with a clear message. */
function unavailableReviews(): ReviewStore {
  return new Proxy({} as ReviewStore, {
    get: () => () =>
      Promise.reject(new Error('reviews need the SQLite store; this store has no review tables')),
  });
}

export function reviewStoreFor(store: FlowStore): ReviewStore {
  if (store instanceof SqliteFlowStore) return openSqliteReviewStore(store.db);
  return pgCompanionsOf(store)?.reviews() ?? unavailableReviews();
}
