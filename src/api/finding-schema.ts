/** Findings API (`GET /api/v1/findings`, `GET /api/v1/findings/:id`): query schema and response shapes. */
import { z } from 'zod';

import type { Finding } from '../domain/detect/finding.js';
import { FINDING_TYPES, SEVERITIES } from '../domain/detect/finding.js';
import type { StoredFlowLike } from './review-schema.js';
import type { ReviewItemView, SuppressionView } from './review-schema.js';

export { FINDING_TYPES, SEVERITIES };

const list = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => {
    if (v === undefined || v === null || v === '') return undefined;
    const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(','));
    const kept = parts.map((s) => s.trim()).filter((s) => s !== '');
    return kept.length === 0 ? undefined : kept;
  }, z.array(item).max(200).optional());

const epochMs = z.coerce.number().int().min(0).max(8.64e15);
const name = z.string().min(1).max(253);

export const FindingListQuerySchema = z
  .strictObject({
    from: epochMs.optional(),
    to: epochMs.optional(),
    type: list(z.enum(FINDING_TYPES)),
    status: list(z.enum(['open', 'closed'])),
    minSeverity: z.enum(SEVERITIES).optional(),
    cluster: list(name),
    namespace: list(name),
    limit: z.coerce.number().int().min(1).max(5000).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: 'from must be before to',
    path: ['from'],
  });
export type FindingListQuery = z.infer<typeof FindingListQuerySchema>;

export const FindingDetailQuerySchema = z.strictObject({
  /** Cursor of the evidence flow page. */
  cursor: z.string().min(1).max(512).optional(),
});

/** A finding in a list: the finding plus the active suppression that covers it, if any. */
export interface FindingView extends Finding {
  suppression: SuppressionView | null;
}

export interface FindingListResponse {
  findings: FindingView[];
  /** True when the limit cut the list. */
  truncated: boolean;
}

export interface FindingDetailResponse {
  finding: FindingView;
  /** Raw events of the finding's span (one page, in the caller's scope). */
  evidence: { flows: StoredFlowLike[]; next: string | null; filter: Record<string, string> };
  /** Review items that dispositioned this finding, newest review first. */
  reviews: { reviewId: string; item: ReviewItemView }[];
}
