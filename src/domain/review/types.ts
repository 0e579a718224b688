/**
 * The daily review (issue 8): what a reviewer sees since the last signed-off review of a cluster,
 * what they decided about each item, and the expiring suppressions that "expected" creates.
 */
import type { FindingType, Severity } from '../detect/finding.js';

export const DISPOSITIONS = [
  'expected',
  'misconfiguration',
  'suspicious',
  'false-positive',
] as const;
export type Disposition = (typeof DISPOSITIONS)[number];

export const REVIEW_ITEM_KINDS = ['finding', 'coverage', 'gap'] as const;
export type ReviewItemKind = (typeof REVIEW_ITEM_KINDS)[number];

/** One thing to look at in a review, computed live from findings, the model and source health. */
export interface ReviewItem {
  /** Stable within a review period: `finding:<id>`, `coverage:<ns>/<workload>:<dir>`, `gap:…`. */
  key: string;
  kind: ReviewItemKind;
  cluster: string;
  /** The namespace the item is about (scope and developer visibility), or null (cluster-wide). */
  namespace: string | null;
  /** Other namespace the item touches (a finding's peer `ns/workload`), or null. */
  peerNamespace: string | null;
  workload: string | null;
  severity: Severity;
  title: string;
  /** Plain-language detail for the reviewer. */
  detail: string;
  /** For finding items: the finding, whether it started in the period, and its type and key. */
  findingId: string | null;
  findingKey: string | null;
  findingType: FindingType | null;
  state: 'new' | 'ongoing' | null;
  /** Start and end of what the item describes. */
  start: number;
  end: number;
}

/** A decision on an item, as stored. */
export interface ItemDisposition {
  key: string;
  disposition: Disposition;
  reason: string;
  actor: string;
  at: number;
  /** Incident opened for the item (suspicious; misconfiguration when owners were notified). */
  incidentId: string | null;
  /** Suppression created for the item (expected). */
  suppressionId: string | null;
}

/** What a suppression covers. Null fields match anything; `cluster` is always set. */
export interface SuppressionMatcher {
  cluster: string;
  findingType: FindingType | null;
  /** A finding key (every recurrence of that finding) or a review item key (coverage, gap). */
  key: string | null;
  namespace: string | null;
  workload: string | null;
}

export interface Suppression extends SuppressionMatcher {
  id: string;
  reason: string;
  owner: string;
  createdBy: string;
  createdAt: number;
  /** Required: there are no forever-suppressions. */
  expiresAt: number;
  revokedAt: number | null;
  revokedBy: string | null;
  /** The review and item it was created from, if any. */
  reviewId: string | null;
  itemKey: string | null;
}

/** Per workload (`ns/Kind/name`): whether some policy isolates it for each direction. */
export type CoverageSnapshot = Record<string, { ingress: boolean; egress: boolean }>;

/** What the next review compares against, taken at sign-off. */
export interface ReviewSnapshot {
  /** Null without a cluster model. */
  coverage: CoverageSnapshot | null;
  /** Lost-event totals per source at sign-off, so the next review reports only new losses. */
  lostEvents: Record<string, number>;
}

export interface Review {
  id: string;
  cluster: string;
  /** Namespaces in scope, null = all. */
  scope: string[] | null;
  status: 'open' | 'signed-off';
  /** Start of the period: the previous sign-off, or one cadence before the first review. */
  periodStart: number;
  startedAt: number;
  startedBy: string;
  signedOffAt: number | null;
  signedOffBy: string | null;
  note: string | null;
  /** Keys of items that had no disposition at sign-off (sign-off had to acknowledge them). */
  itemsLeft: string[];
  snapshot: ReviewSnapshot | null;
}

/** An item as recorded with a review: the item at the time, and its disposition if any. */
export interface RecordedItem {
  item: ReviewItem;
  disposition: ItemDisposition | null;
  /** Covered by an active suppression when the review was signed off. */
  suppressionId: string | null;
}
