/**
 * The journal of NetworkPolicy and namespace-label changes seen by the live Kubernetes watch
 * (docs/sources.md). It answers "what changed before this denial started" and feeds the annual
 * report. Kept per the records retention (3 years by default). Backend-free: the SQLite
 * implementation is `src/store/sqlite/policy-change-store-sqlite.ts`, and every backend runs the
 * contract suite `src/store/contract/policy-change-contract.ts`.
 */

export const POLICY_CHANGE_OBJECT_KINDS = ['NetworkPolicy', 'Namespace'] as const;
export type PolicyChangeObjectKind = (typeof POLICY_CHANGE_OBJECT_KINDS)[number];

export const POLICY_CHANGE_TYPES = ['added', 'modified', 'deleted'] as const;
export type PolicyChangeType = (typeof POLICY_CHANGE_TYPES)[number];

/**
 * How the change was noticed: a watch event (`watch`, timed when it arrived), a relist after
 * 410 Gone or a reconnect (`relist`, timed at the relist), or the comparison of the first list
 * after a start with the journal's last known state (`startup`; a first start journals every
 * object as `added`, the baseline).
 */
export const POLICY_CHANGE_SEEN_BY = ['watch', 'relist', 'startup'] as const;
export type PolicyChangeSeenBy = (typeof POLICY_CHANGE_SEEN_BY)[number];

export interface PolicyChangeRecord {
  /** Stable id (cluster, object, resourceVersion, type): recording the same change twice keeps one. */
  id: string;
  /** When the change was seen (epoch ms). */
  time: number;
  cluster: string;
  kind: PolicyChangeObjectKind;
  type: PolicyChangeType;
  /** The policy's namespace; for a Namespace, its own name. */
  namespace: string;
  /** The policy's name; for a Namespace, its own name. */
  name: string;
  resourceVersion: string | null;
  seenBy: PolicyChangeSeenBy;
  /** One line, e.g. `ingress rules 2 → 3; policyTypes + Egress`. Attacker-influenced text: escape it. */
  summary: string;
  /** One line per changed path (at most 50). */
  diff: string[];
  /** The policy spec (NetworkPolicy) or the labels (Namespace) as they now are; null after a delete. */
  after: unknown;
}

export interface PolicyChangeFilter {
  /** Changes at or after `from` and before `to` (epoch ms). */
  from?: number;
  to?: number;
  cluster?: readonly string[];
  /** Namespaces to include (a scoped caller's); `[]` matches nothing. */
  namespace?: readonly string[];
  kind?: readonly PolicyChangeObjectKind[];
  /** Default 1000, at most 10000; newest first. */
  limit?: number;
}

export interface PolicyChangeStore {
  /** Inserts the changes in one transaction, skipping ids already stored. Returns how many were new. */
  recordPolicyChanges(changes: readonly PolicyChangeRecord[]): Promise<number>;
  /** Newest first (time descending, then id). */
  listPolicyChanges(filter?: PolicyChangeFilter): Promise<PolicyChangeRecord[]>;
  /**
   * The newest record of every object of `cluster` whose newest record is not a delete: the
   * journal's view of the cluster, compared with the first list after a start.
   */
  latestPolicyStates(cluster: string): Promise<PolicyChangeRecord[]>;
  /** Deletes changes older than `before` (records retention). Returns how many. */
  deletePolicyChangesBefore(before: number): Promise<number>;
}
