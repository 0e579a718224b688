/**
 * The stores compliance and reports read, picked for a flow store (same database). Backends
 * without a table yet get null (or a rejecting store) and the evidence shows a gap.
 */
import type { FlowStore } from '../../store/flow-store.js';
import type { IncidentStore } from '../../store/incident-store.js';
import type { PolicyChangeStore } from '../../store/policy-change-store.js';
import { pgCompanionsOf } from '../../store/postgres/companions.js';
import type { ReportStore } from '../../store/report-store.js';
import type { ReviewStore } from '../../store/review-store.js';
import { openSqliteReportStore } from '../../store/sqlite/report-store-sqlite.js';
import { SqliteFlowStore } from '../../store/sqlite/sqlite-store.js';
import { incidentStoreFor } from '../incidents/incident-store-for.js';
import { policyChangeStoreFor } from '../live-model/policy-change-store-for.js';
import { reviewStoreFor } from '../review/review-store-for.js';

/** Backends without a reports table yet: every call fails with a clear message. */
function unavailableReports(): ReportStore {
  return new Proxy({} as ReportStore, {
    get: () => () =>
      Promise.reject(
        new Error('reports need the SQLite or PostgreSQL store; this store has no reports table'),
      ),
  });
}

/** @example const reports = reportStoreFor(services.store); */
export function reportStoreFor(store: FlowStore): ReportStore {
  if (store instanceof SqliteFlowStore) return openSqliteReportStore(store.db);
  return pgCompanionsOf(store)?.reports() ?? unavailableReports();
}

/** Reviews of this store (a backend without them rejects every call: the evidence is a gap). */
export function reviewsOf(store: FlowStore): ReviewStore {
  return reviewStoreFor(store);
}

/** Incidents of this store (a backend without them rejects every call: the evidence is a gap). */
export function incidentsOf(store: FlowStore): IncidentStore {
  return incidentStoreFor(store);
}

/** The message of a failure, as the reason of a gap. */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function policyChangesOf(store: FlowStore): PolicyChangeStore {
  return policyChangeStoreFor(store);
}
