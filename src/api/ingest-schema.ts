/**
 * `POST /api/v1/ingest`: query parameters, headers and the reply. Shared with clients.
 */
import { z } from 'zod';

export const IngestQuerySchema = z.strictObject({
  format: z.string({ error: 'format is required' }).min(1, 'format is required'),
  cluster: z.optional(
    z
      .string()
      .trim()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, dot, dash or underscore'),
  ),
});
export type IngestQuery = z.infer<typeof IngestQuerySchema>;

/** A client-chosen batch name: printable ASCII without spaces, at most 200 characters. */
export const IdempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'expected printable ASCII without spaces');

export interface IngestReplyError {
  /** 1-based line number in the (decompressed) body. */
  line: number;
  field?: string;
  message: string;
}

export interface IngestReply {
  /** Flows parsed from valid lines (also when the batch was a duplicate: they are stored once). */
  accepted: number;
  rejected: number;
  /** Valid records that are not counted as flows (replies, node status, comments). */
  skipped: number;
  /** True when every batch of this request had been committed before: nothing new was written. */
  duplicate: boolean;
  /** Flows newly written by this request. */
  stored: number;
  lostEvents: number;
  /** The first 20 errors. */
  errors: IngestReplyError[];
}

export interface ApiError {
  error: string;
  message: string;
  [extra: string]: unknown;
}
