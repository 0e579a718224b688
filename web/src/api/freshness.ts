/**
 * When the dashboard answers on screen were computed. The server answers aggregate views from a
 * short-lived cache (docs/dashboard.md#answer-cache): an answer over the last day may be up to
 * about 30 s old, more while one newer answer is computed, and says how old in its `Age` header.
 * The time picker shows the oldest of the answers received since the page or the window last
 * changed, so a reviewer can tell what a screenshot shows.
 */
import { useSyncExternalStore } from 'react';

const computedAt = new Map<string, number>();
const listeners = new Set<() => void>();
let oldest: number | null = null;

function changed(): void {
  oldest = computedAt.size === 0 ? null : Math.min(...computedAt.values());
  for (const l of listeners) l();
}

/** Records one answer for `url`: computed `Age` seconds before it arrived (none: just now). */
export function noteAnswer(url: string, age: string | null, receivedAt = Date.now()): void {
  const seconds = age === null ? 0 : Number(age);
  const at = receivedAt - (Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0);
  computedAt.set(url, at);
  changed();
}

/** Forgets the answers noted so far: the page or the window changed. */
export function resetAnswers(): void {
  if (computedAt.size === 0) return;
  computedAt.clear();
  changed();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** When the oldest answer noted since the last reset was computed (epoch ms), or null. */
export function useOldestAnswer(): number | null {
  return useSyncExternalStore(subscribe, () => oldest);
}
