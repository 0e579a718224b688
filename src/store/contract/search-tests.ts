/** Contract: `searchFlows`, the flow explorer's search in time slices within a budget. */
import { expect, it } from 'vitest';

import { type SearchedPage, searchFlows, type SearchOptions } from '../flow-search.js';
import type { FlowFilter } from '../flow-store.js';
import { allFlows, batchOf, type ContractContext } from './context.js';
import { makeFlow, T0 } from './flow-fixtures.js';

const MIN = 60_000;
const WINDOW = { from: T0, to: T0 + 180 * MIN };

/**
 * 640 flows over three hours, newest in the last minute, several at each moment, and some at the
 * lower edge of the first slices (to − 1, 3, 7 and 15 minutes), where a slice and the next meet.
 */
async function seed(ctx: ContractContext): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < 600; i++) times.push(WINDOW.from + Math.floor((i * 180 * MIN) / 600));
  for (const m of [1, 3, 7, 15]) for (let k = 0; k < 10; k++) times.push(WINDOW.to - m * MIN);
  const flows = times.map((time, i) => makeFlow({ time, port: i % 7 === 0 ? 9999 : 8443 }));
  for (let b = 0; b < flows.length; b += 100) {
    await ctx.store().writeBatch(batchOf(`search-${b}`, flows.slice(b, b + 100)));
  }
}

/** Every page of a search, following its cursors. */
async function pages(
  ctx: ContractContext,
  filter: FlowFilter,
  limit: number,
  budgetMs: number,
  options: SearchOptions = {},
): Promise<SearchedPage[]> {
  const out: SearchedPage[] = [];
  let cursor: string | null = null;
  do {
    const page = await searchFlows(ctx.store(), filter, { limit, cursor }, budgetMs, options);
    out.push(page);
    cursor = page.next;
    if (out.length > 500) throw new Error('the search does not end');
  } while (cursor !== null);
  return out;
}

export function registerSearchTests(ctx: ContractContext): void {
  it('searches in slices within the budget and finds exactly what one query finds', async () => {
    await seed(ctx);
    // An unindexed filter (port), and none at all; a budget of 0 stops after every slice.
    for (const filter of [{ ...WINDOW, port: 9999 }, { ...WINDOW }] as FlowFilter[]) {
      const all = (await allFlows(ctx.store(), filter)).map((f) => f.id);
      expect(all.length).toBeGreaterThan(90);
      const sliced = await pages(ctx, filter, 7, 0);
      expect(sliced.flatMap((p) => p.flows.map((f) => f.id))).toEqual(all);
      const cut = sliced.filter((p) => p.searchedTo !== null);
      // Every slice of all events fills a page; a page of port 9999 takes several slices.
      expect(cut.length > 0).toBe(filter.port !== undefined);
      for (const p of cut) {
        expect(p.flows.length).toBeLessThan(7);
        expect(p.next).not.toBeNull();
      }
      const searchedTo = cut.map((p) => p.searchedTo ?? NaN);
      expect(searchedTo).toEqual([...searchedTo].sort((a, b) => b - a));
      for (const t of searchedTo) expect(t).toBeGreaterThan(WINDOW.from);
      // With time to spare, the first page is the one queryFlows gives.
      const [first] = await pages(ctx, filter, 7, 60_000);
      const plain = await ctx.store().queryFlows(filter, { limit: 7 });
      expect(first?.flows.map((f) => f.id)).toEqual(plain.flows.map((f) => f.id));
      expect(first?.searchedTo).toBeNull();
    }
  });

  it('reports its progress on a search that finds nothing, slice after doubling slice', async () => {
    await seed(ctx);
    const sliced = await pages(ctx, { ...WINDOW, port: 1 }, 100, 0);
    expect(sliced.every((p) => p.flows.length === 0)).toBe(true);
    // 1, 2, 4, … 128 minutes: the eighth slice reaches the window's start and ends the search.
    expect(sliced.map((p) => p.searchedTo)).toEqual([
      WINDOW.to - 1 * MIN,
      WINDOW.to - 3 * MIN,
      WINDOW.to - 7 * MIN,
      WINDOW.to - 15 * MIN,
      WINDOW.to - 31 * MIN,
      WINDOW.to - 63 * MIN,
      WINDOW.to - 127 * MIN,
      null,
    ]);
  });

  it('searches an open window from the given top down to the epoch, newer events included', async () => {
    await seed(ctx);
    // Two events above the top (a node whose clock is ahead), which the open top still finds.
    const ahead = [1, 2].map((m) => makeFlow({ time: WINDOW.to + m * MIN, port: 9999 }));
    await ctx.store().writeBatch(batchOf('search-ahead', ahead));
    const top = WINDOW.to - 60 * MIN;
    for (const filter of [
      { port: 9999 },
      { from: WINDOW.from + 30 * MIN, port: 9999 },
      { to: WINDOW.to - 90 * MIN, port: 9999 },
    ] as FlowFilter[]) {
      const all = (await allFlows(ctx.store(), filter)).map((f) => f.id);
      expect(all.length).toBeGreaterThan(20);
      const sliced = await pages(ctx, filter, 7, 0, { top });
      expect(sliced.flatMap((p) => p.flows.map((f) => f.id))).toEqual(all);
      const cut = sliced.filter((p) => p.searchedTo !== null);
      expect(cut.length).toBeGreaterThan(0);
      // Down to the epoch from 2025 in doubling slices: about 25 of them, not thousands.
      expect(sliced.length).toBeLessThan(all.length / 7 + 40);
      // The last slice with a time below it reaches back past half-way to the epoch.
      const lowest = cut.at(-1)?.searchedTo ?? NaN;
      if (filter.from === undefined) expect(lowest).toBeLessThanOrEqual((top + MIN) / 2);
      else expect(lowest).toBeGreaterThan(filter.from);
    }
    // Without a top, an open window is one query.
    const one = await searchFlows(ctx.store(), { port: 9999 }, { limit: 7 }, 0);
    const plain = await ctx.store().queryFlows({ port: 9999 }, { limit: 7 });
    expect(one.flows.map((f) => f.id)).toEqual(plain.flows.map((f) => f.id));
    expect(one.searchedTo).toBeNull();
  });
}
