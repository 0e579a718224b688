/**
 * Storage of daily reviews, their items and dispositions, and expiring suppressions (issue 8).
 * Backend-free: SQLite in `sqlite/review-store-sqlite.ts`; one contract suite for all backends
 * in `contract/review-contract.ts`. Kept 3 years by default, like findings (DESIGN.md §5).
 */
import type { Disposition, RecordedItem, Review, Suppression } from '../domain/review/types.js';

export interface ReviewSummary extends Review {
  itemCount: number;
  /** Items per disposition at sign-off (or so far, for an open review); `none` = undecided. */
  counts: Record<Disposition | 'none', number>;
}

export interface ReviewListFilter {
  cluster?: string[];
  status?: Review['status'];
  /** Reviews signed off (or, when open, started) in [from, to). */
  from?: number;
  to?: number;
  /** Default 100, at most 1000; newest first. */
  limit?: number;
}

export interface SignOffInput {
  at: number;
  by: string;
  note: string;
  itemsLeft: string[];
  snapshot: Review['snapshot'];
  /** Every item of the review at sign-off, recorded with its disposition (or none). */
  items: RecordedItem[];
}

export interface SuppressionFilter {
  cluster?: string[];
  /** Only suppressions in force at this time (not revoked, not expired, created before). */
  activeAt?: number;
  /** Default 500, at most 5000; newest first. */
  limit?: number;
}

export interface ReviewStore {
  createReview(review: Review): Promise<void>;
  getReview(id: string): Promise<Review | null>;
  /** The open review of a cluster and scope (`scopeKey`), or null. */
  openReview(cluster: string, scopeKey: string): Promise<Review | null>;
  /** The latest signed-off review of a cluster and scope, or null. */
  lastSignedOff(cluster: string, scopeKey: string): Promise<Review | null>;
  /** Inserts or replaces an item of a review by its key. */
  saveItem(reviewId: string, item: RecordedItem): Promise<void>;
  listItems(reviewId: string): Promise<RecordedItem[]>;
  /** Every recorded item with this key across reviews (a finding's dispositions), newest review first. */
  itemsByKey(key: string): Promise<{ reviewId: string; item: RecordedItem }[]>;
  /**
   * Signs an open review off and records its items, in one transaction. Null when the review
   * is unknown or already signed off (a concurrent sign-off wins once).
   */
  signOff(reviewId: string, input: SignOffInput): Promise<Review | null>;
  /** Reviews with item counts per disposition (completion rate, time to review). */
  listReviews(filter?: ReviewListFilter): Promise<ReviewSummary[]>;
  createSuppression(s: Suppression): Promise<void>;
  getSuppression(id: string): Promise<Suppression | null>;
  listSuppressions(filter?: SuppressionFilter): Promise<Suppression[]>;
  /** Revokes a suppression not yet revoked; returns it, or null when unknown or already revoked. */
  revokeSuppression(id: string, at: number, by: string): Promise<Suppression | null>;
  /** Deletes signed-off reviews (and items) signed off before `before` (retention). */
  deleteSignedOffBefore(before: number): Promise<number>;
}
