/**
 * The stores compliance and reports read, picked for a flow store (same database). Backends
 * without a table yet get null (or a rejecting store) and the evidence shows a gap.
 */
import type { FlowStore } from '../../store/flow-store.js';
import type { IncidentStore } from '../../store/incident-store.js';
import type { PolicyChangeStore } from '../../store/policy-change-store.js';
import type { ReportStore } from '../../store/report-store.js';
import type { ReviewStore } from '../../store/review-store.js';
import { openSqliteIncidentStore } from '../../store/sqlite/incident-store-sqlite.js';
import { openSqliteReportStore } from '../../store/sqlite/report-store-sqlite.js';
import { openSqliteReviewStore } from '../../store/sqlite/review-store-sqlite.js';
import { SqliteFlowStore } from '../../store/sqlite/sqlite-store.js';
import { policyChangeStoreFor } from '../live-model/policy-change-store-for.js';

/** Backends without a reports table yet: every call fails with a clear message. */
function unavailableReports(): ReportStore {
  return new Proxy({} as ReportStore, {
    get: () => () =>
      Promise.reject(
        new Error('reports need the SQLite store; this store has no reports table yet'),
      ),
  });
}

/** @example const reports = reportStoreFor(services.store); */
export function reportStoreFor(store: FlowStore): ReportStore {
  if (store instanceof SqliteFlowStore) return openSqliteReportStore(store.db);
  return unavailableReports();
}

/** Reviews of this store, or null when the backend has none. */
export function reviewsOf(store: FlowStore): ReviewStore | null {
  return store instanceof SqliteFlowStore ? openSqliteReviewStore(store.db) : null;
}

/** Incidents of this store, or null when the backend has none. */
export function incidentsOf(store: FlowStore): IncidentStore | null {
  return store instanceof SqliteFlowStore ? openSqliteIncidentStore(store.db) : null;
}

export function policyChangesOf(store: FlowStore): PolicyChangeStore {
  return policyChangeStoreFor(store);
}

export const NO_TABLE = (what: string): string =>
  `${what} are not available on this store backend yet`;
