/** Backend-neutral retention rules: policy validation and the cutoff of each tier. */
import type { RetentionPolicy } from './flow-store.js';
import { InvalidQueryError, ROLLUP_BUCKET_MS } from './flow-store.js';

export const DEFAULT_RETENTION_CHUNK = 5_000;

export function checkRetentionPolicy(policy: RetentionPolicy): void {
  for (const [k, v] of Object.entries(policy)) {
    if (!Number.isFinite(v) || v <= 0) {
      throw new InvalidQueryError(`retention ${k} must be a positive number of ms, got ${v}`);
    }
  }
}

export interface RetentionCutoffs {
  /** Raw events with `time <` this, and batch ids with `received_at <` this, go. */
  raw: number;
  /** Rollup buckets starting at or before this (ending at or before the tier's edge) go. */
  bucket1m: number;
  bucket1h: number;
}

/**
 * A rollup bucket is deleted once it ends at or before `now - tierMs`, so a bucket that still
 * holds any moment inside the window is kept whole.
 */
export function retentionCutoffs(now: number, policy: RetentionPolicy): RetentionCutoffs {
  checkRetentionPolicy(policy);
  return {
    raw: now - policy.rawMs,
    bucket1m: now - policy.rollup1mMs - ROLLUP_BUCKET_MS['1m'],
    bucket1h: now - policy.rollup1hMs - ROLLUP_BUCKET_MS['1h'],
  };
}
