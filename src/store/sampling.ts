/**
 * Deterministic sampling of allowed flows for the raw-event tier. The decision hashes the
 * flow's identity (time, both endpoints, port), so replaying the same data keeps the same
 * events and every backend samples identically. Denied and audit flows are always kept.
 */
import type { Flow } from '../domain/flow.js';

/** Keep 1 in 10 allowed flows by default. */
export const DEFAULT_ALLOWED_SAMPLE_RATE = 0.1;

const TWO_32 = 4_294_967_296;

/** FNV-1a, 32 bit: cheap, stable, well spread for short keys. Not a security hash. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function endpointId(e: Flow['src']): string {
  return e.ip ?? `${e.namespace ?? ''}/${e.pod ?? e.workload?.name ?? e.externalGroup ?? ''}`;
}

/** Validates a rate in [0, 1]: the fraction of allowed flows kept as raw events. */
export function checkSampleRate(rate: number): number {
  if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new RangeError(`allowedSampleRate must be a number from 0 to 1, got ${rate}`);
  }
  return rate;
}

/**
 * Weight of the raw event to store for `flow`, or 0 when it is not stored.
 * Denied/audit: 1. Allowed: 1/rate when the hash falls under the rate, else 0.
 */
export function rawEventWeight(flow: Flow, rate: number): number {
  if (flow.verdict !== 'allowed') return 1;
  if (rate >= 1) return 1;
  if (rate <= 0) return 0;
  const h = fnv1a32(`${flow.time}|${endpointId(flow.src)}|${endpointId(flow.dst)}|${flow.port}`);
  return h / TWO_32 < rate ? 1 / rate : 0;
}
