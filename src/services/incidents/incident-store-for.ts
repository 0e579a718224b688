/** The incident store that lives next to a flow store (same database). */
import type { FlowStore } from '../../store/flow-store.js';
import type { IncidentStore } from '../../store/incident-store.js';
import { pgCompanionsOf } from '../../store/postgres/companions.js';
import { openSqliteIncidentStore } from '../../store/sqlite/incident-store-sqlite.js';
import { SqliteFlowStore } from '../../store/sqlite/sqlite-store.js';

/** Backends without incident tables yet: every call fails with a clear message. */
function unavailableIncidents(): IncidentStore {
  return new Proxy({} as IncidentStore, {
    get: () => () =>
      Promise.reject(
        new Error('incidents need the SQLite store; this store has no incident tables'),
      ),
  });
}

const cache = new WeakMap<FlowStore, IncidentStore>();

/** @example const incidents = incidentStoreFor(ctx.store); await incidents.listIncidents({ status: ['open'] }) */
export function incidentStoreFor(store: FlowStore): IncidentStore {
  let s = cache.get(store);
  if (!s) {
    s =
      store instanceof SqliteFlowStore
        ? openSqliteIncidentStore(store.db)
        : (pgCompanionsOf(store)?.incidents() ?? unavailableIncidents());
    cache.set(store, s);
  }
  return s;
}
