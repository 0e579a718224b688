/**
 * When the dashboard answers on screen were computed. The server answers aggregate views from a
 * short-lived cache (docs/dashboard.md#answer-cache): an answer over the last day may be up to
 * about 30 s old, more while one newer answer is computed, and it says how old in its `Age`
 * header. The time picker shows the oldest of them among the queries on screen, so a reviewer
 * can tell what moment a page (or a screenshot of it) shows.
 */
import type { Query, QueryCache } from '@tanstack/react-query';
import { replaceEqualDeep, useQueryClient } from '@tanstack/react-query';
import { useCallback, useSyncExternalStore } from 'react';

/** Answer body → when the server computed it (epoch ms, this browser's clock). */
const stamps = new WeakMap<object, number>();
/** Query hash → when its current data was computed. */
const byQuery = new Map<string, number>();

/** Records when `body` was computed: `age` seconds (the `Age` header) before it arrived. */
export function stampAnswer(body: unknown, age: string, receivedAt = Date.now()): void {
  const seconds = Number(age);
  if (typeof body !== 'object' || body === null || !Number.isFinite(seconds)) return;
  stamps.set(body, receivedAt - Math.max(0, seconds) * 1000);
}

/**
 * The queries' `structuralSharing`: a stamped answer is kept as it came (merging it into the
 * previous data would make a new object without its stamp); anything else is shared as usual.
 */
export function shareUnlessStamped(oldData: unknown, newData: unknown): unknown {
  return typeof newData === 'object' && newData !== null && stamps.has(newData)
    ? newData
    : replaceEqualDeep(oldData, newData);
}

/**
 * Wires a query cache: each query's newest data brings its stamp (answers without `Age` have
 * none and are not counted), and removed queries are forgotten.
 */
export function trackAnswers(cache: QueryCache): void {
  cache.subscribe((event) => {
    const hash = event.query.queryHash;
    if (event.type === 'removed') byQuery.delete(hash);
    else if (event.type === 'updated' && event.action.type === 'success') {
      const data: unknown = event.action.data;
      const at = typeof data === 'object' && data !== null ? stamps.get(data) : undefined;
      if (at === undefined) byQuery.delete(hash);
      else byQuery.set(hash, at);
    }
  });
}

function oldestOnScreen(queries: readonly Query[]): number | null {
  let oldest: number | null = null;
  for (const q of queries) {
    if (!q.isActive()) continue;
    const at = byQuery.get(q.queryHash);
    if (at !== undefined && (oldest === null || at < oldest)) oldest = at;
  }
  return oldest;
}

/** When the oldest cached answer of the queries on screen was computed (epoch ms), or null. */
export function useOldestAnswer(): number | null {
  const cache = useQueryClient().getQueryCache();
  const subscribe = useCallback((onChange: () => void) => cache.subscribe(onChange), [cache]);
  return useSyncExternalStore(subscribe, () => oldestOnScreen(cache.getAll()));
}
