/**
 * What the review, incident, compliance, report and source-health features are built from.
 * One context per running server (or CLI command), created by `buildServices`, so every
 * feature sees the same stores, audit log, clock and cluster model.
 */
import type { Registry } from 'prom-client';

import type { Config } from '../api/config-schema.js';
import type { ClusterModel } from '../domain/netpol/index.js';
import type { FindingStore } from '../store/finding-store.js';
import type { FlowStore } from '../store/flow-store.js';
import type { AuditLog } from './audit/audit-log.js';

export interface GovernanceContext {
  config: Config;
  /** The unscoped flow store. Request handlers apply the caller's scope themselves. */
  store: FlowStore;
  /** Findings of the detection jobs (same database as the flows). */
  findings: FindingStore;
  /** The hash-chained audit log: every review, incident and report step is recorded here. */
  audit: AuditLog;
  /** The /metrics registry. */
  registry: Registry;
  now: () => number;
  /** The cluster model in force (manifests, the demo's, or the live watch); null without one. */
  model: () => ClusterModel | null;
  /**
   * Hooks that features register and others call, so features need not import each other.
   * `reviewSignedOff` feeds the DailyReviewOverdue alert (set by the server's monitoring).
   */
  hooks: GovernanceHooks;
}

export interface GovernanceHooks {
  reviewSignedOff: ((cluster: string, at: number) => void)[];
}

/** Calls every registered `reviewSignedOff` hook. */
export function announceReviewSignedOff(ctx: GovernanceContext, cluster: string, at: number): void {
  for (const hook of ctx.hooks.reviewSignedOff) hook(cluster, at);
}
