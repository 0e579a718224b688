/**
 * The stores that live beside a PostgreSQL flow store, on its pool. Services pick them with
 * `pgCompanionsOf(flowStore)`; this module loads no pg driver code, so the embedded SQLite
 * default never pays for it.
 * @example const pg = pgCompanionsOf(store); if (pg) findings = pg.findings();
 */
import type pg from 'pg';

import type { AuditStore } from '../audit-store.js';
import type { AuthStore } from '../auth-store.js';
import type { FindingStore } from '../finding-store.js';
import type { FlowStore } from '../flow-store.js';
import type { IncidentStore } from '../incident-store.js';
import type { PolicyChangeStore } from '../policy-change-store.js';
import type { ReportStore } from '../report-store.js';
import type { ReviewStore } from '../review-store.js';
import { PgAuditStore } from './audit-store-pg.js';
import { PgAuthStore } from './auth-store-pg.js';
import { PgFindingStore } from './finding-store-pg.js';
import { PgIncidentStore } from './incident-store-pg.js';
import { PgPolicyChangeStore } from './policy-change-store-pg.js';
import { PgReportStore } from './report-store-pg.js';
import { PgReviewStore } from './review-store-pg.js';

interface PgBacked {
  backend: 'postgres';
  pool: pg.Pool;
}

function isPgBacked(store: FlowStore): store is FlowStore & PgBacked {
  const s = store as Partial<PgBacked>;
  return s.backend === 'postgres' && s.pool !== undefined;
}

export interface PgCompanions {
  pool: pg.Pool;
  findings(): FindingStore;
  auth(): AuthStore;
  audit(): AuditStore;
  reviews(): ReviewStore;
  incidents(): IncidentStore;
  reports(): ReportStore;
  policyChanges(): PolicyChangeStore;
}

/** The companion stores of a PostgreSQL flow store; null for any other backend. */
export function pgCompanionsOf(store: FlowStore): PgCompanions | null {
  if (!isPgBacked(store)) return null;
  const pool = store.pool;
  return {
    pool,
    findings: () => new PgFindingStore(pool),
    auth: () => new PgAuthStore(pool),
    audit: () => new PgAuditStore(pool),
    reviews: () => new PgReviewStore(pool),
    incidents: () => new PgIncidentStore(pool),
    reports: () => new PgReportStore(pool),
    policyChanges: () => new PgPolicyChangeStore(pool),
  };
}
