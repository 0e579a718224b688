/**
 * Advisory lock keys. PostgreSQL's two-int form is used: a fixed class id for this product and
 * a 32-bit hash of the lock's name, so names stay readable in code and cannot collide with
 * another application's single-bigint locks.
 */
import { fnv1a32 } from '../sampling.js';

/** 'nets' as a 32-bit integer: the class id of every netsec advisory lock. */
const CLASS_ID = 0x6e657473;

export type LockKey = [number, number];

export function lockKey(name: string): LockKey {
  // Signed, because the SQL function takes int4.
  return [CLASS_ID, fnv1a32(name) | 0];
}

/** Held by migrations, so that replicas starting together migrate once. */
export const MIGRATION_LOCK = lockKey('schema-migrations');
/**
 * Held shared by every batch transaction and exclusively by key pruning, so that a writer never
 * uses a cached aggregation-key id that pruning is deleting at the same moment.
 */
export const ROLLUP_KEYS_LOCK = lockKey('rollup-keys');
