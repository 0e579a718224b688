/**
 * Reviews API (docs/reviews.md): request schemas (dispositions, sign-off, history and
 * suppression queries) and response shapes, shared with the web UI.
 */
import { z } from 'zod';

import type { Flow } from '../domain/flow.js';
import type { ReviewDue } from '../domain/review/overdue.js';
import type { ItemDisposition, Review, ReviewItem, Suppression } from '../domain/review/types.js';
import { DISPOSITIONS } from '../domain/review/types.js';

export { DISPOSITIONS };

const epochMs = z.coerce.number().int().min(0).max(8.64e15);
const name = z.string().min(1).max(253);

export const CurrentReviewQuerySchema = z.strictObject({ cluster: name.optional() });

export const DispositionBodySchema = z.strictObject({
  cluster: name.optional(),
  disposition: z.enum(DISPOSITIONS),
  reason: z.string().max(2000).optional(),
  owner: z.string().max(200).optional(),
  /** Required for `expected` (epoch ms), at most `review.suppressionMaxDays` ahead. */
  expiresAt: z.number().int().min(0).max(8.64e15).optional(),
  incidentId: z.string().min(1).max(200).optional(),
});
export type DispositionBody = z.infer<typeof DispositionBodySchema>;

export const SignOffBodySchema = z.strictObject({
  cluster: name.optional(),
  note: z.string().min(1).max(10_000),
  /** Sign off although some items have no disposition; they are recorded as left. */
  acknowledgeOpen: z.boolean().optional(),
});
export type SignOffBody = z.infer<typeof SignOffBodySchema>;

export const ReviewHistoryQuerySchema = z.strictObject({
  cluster: name.optional(),
  status: z.enum(['open', 'signed-off']).optional(),
  from: epochMs.optional(),
  to: epochMs.optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const SuppressionQuerySchema = z.strictObject({
  cluster: name.optional(),
  active: z.enum(['true', 'false']).optional(),
});

/** A flow as returned by the API (the store adds an id and sample weight). */
export type StoredFlowLike = Flow & { id: string; sampleWeight: number };

export type SuppressionView = Suppression & { active: boolean };

export interface ReviewItemView {
  item: ReviewItem;
  disposition: ItemDisposition | null;
  suppressionId: string | null;
}

export interface CurrentItemView extends ReviewItem {
  disposition: ItemDisposition | null;
  suppression: Suppression | null;
}

export interface CurrentReviewResponse {
  cluster: string;
  /** Clusters under review (for the picker). */
  clusters: string[];
  scope: string[] | null;
  reviewId: string | null;
  periodStart: number;
  now: number;
  due: ReviewDue;
  lastSignedOff: Review | null;
  items: CurrentItemView[];
  notes: string[];
  suppressionMaxDays: number;
}

export interface ReviewSummaryView extends Review {
  itemCount: number;
  counts: Record<(typeof DISPOSITIONS)[number] | 'none', number>;
}

export interface ReviewDetailResponse {
  review: Review;
  items: ReviewItemView[];
}
