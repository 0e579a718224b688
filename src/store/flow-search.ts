/**
 * A page of raw events that answers within a time budget: the flow explorer, `GET /api/v1/flows`
 * and the exports read raw events through it.
 *
 * A search whose filters no index serves (a pod, an IP address, a port) reads every raw event
 * of its window until it has filled a page. When nothing matches, that is the whole window: 4–6 s
 * for 4 million raw events on SQLite, minutes for a week of a busy cluster. Meanwhile it holds a
 * read worker (or a PostgreSQL connection) and the user sees nothing.
 *
 * `searchFlows` reads the window newest first in time slices, each as long as all before it
 * (the first is a minute), and stops after the slice in which the budget ran out. The page
 * then holds what it found so far, a cursor that continues below the last slice, and
 * `searchedTo`: every event from that time up to the top of the window (or of the cursor) was
 * searched. Asking again with the cursor goes on from there: the web UI does so by itself and
 * shows how far it got, an export goes on to the end, and a script follows `next` as always.
 * Pages that fill up, or windows searched to the end, are as `queryFlows` gives them, with
 * `searchedTo` null.
 */
import { decodeCursor, encodeCursor } from './cursor.js';
import type { FlowFilter, FlowPage, FlowStore, StoredFlow } from './flow-store.js';

/** The first slice's length; each next one reaches twice as far back from the window's top. */
export const FIRST_SLICE_MS = 60_000;

export interface SearchedPage extends FlowPage {
  /**
   * Set when the budget ran out before the page was full: the oldest time searched (epoch ms).
   * `next` then continues the search below it.
   */
  searchedTo: number | null;
}

/** Where a window without `from` or `to` is bounded, and the clock of the budget. */
export interface SearchOptions {
  /**
   * The top of a window without `to` (its slices start here; newer events, e.g. from a node
   * whose clock is ahead, are still found). Without it, such a window is one `queryFlows` call.
   */
  top?: number;
  /** The wall clock the budget is measured on. */
  clock?: () => number;
}

/**
 * One page of `filter`'s raw events, newest first, within about `budgetMs` (a slice in progress
 * is finished). A window without `to` is searched from `options.top` down; one without `from`
 * down to the epoch, its last slice open below. Without a top it is one `queryFlows` call.
 * @example
 * const page = await searchFlows(store, { from, to, ip: '203.0.113.9' }, { limit: 1000 }, 1000);
 * // page.searchedTo !== null: searched back to that time so far; ask again with page.next
 */
export async function searchFlows(
  store: Pick<FlowStore, 'queryFlows'>,
  filter: FlowFilter,
  page: { limit: number; cursor?: string | null },
  budgetMs: number,
  options: SearchOptions = {},
): Promise<SearchedPage> {
  const clock = options.clock ?? (() => performance.now());
  const top = filter.to ?? options.top;
  if (top === undefined) {
    return { ...(await store.queryFlows(filter, page)), searchedTo: null };
  }
  // An open window ends at the epoch: slices doubling from today reach it in about 25 steps,
  // each an index range that holds nothing, and the last one keeps the filter's own bottom.
  const bottom = filter.from ?? 0;
  let cursor = page.cursor ?? null;
  // How far down the window the search has come. A cursor keeps the events before its position
  // (at its own time, those with a lower id); a slice's cursor keeps those before the slice.
  let edge = cursor === null ? top : Math.min(top, decodeCursor(cursor).time);
  const started = clock();
  const flows: StoredFlow[] = [];
  for (;;) {
    // As long as all searched so far, plus a minute: 1, 2, 4, 8 … minutes from the top of the
    // window, also when a search goes on in a next call with the cursor.
    const low = Math.max(bottom, edge - (top - edge + FIRST_SLICE_MS));
    const last = low <= bottom;
    const got = await store.queryFlows(last ? filter : { ...filter, from: low }, {
      limit: page.limit - flows.length,
      cursor,
    });
    flows.push(...got.flows);
    if (got.next !== null) return { flows, next: got.next, searchedTo: null };
    if (last) return { flows, next: null, searchedTo: null };
    // The slice is done: what is left is before `low`.
    cursor = encodeCursor({ time: low, id: 0 });
    if (flows.length >= page.limit) return { flows, next: cursor, searchedTo: null };
    if (clock() - started >= budgetMs) return { flows, next: cursor, searchedTo: low };
    edge = low;
  }
}
