/**
 * The flow explorer's search in slices, in Chromium: with a search budget of 0 the server
 * answers each page after one time slice, so a filter that matches rarely takes many requests.
 * The page goes on by itself, says how far back it has searched, and ends with exactly the rows
 * one unsliced query gives; past the first 1,000 rows, it goes on when the table's end is reached.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chromiumUnavailable, launchChromium, watchPage } from '../../e2e/browser.js';
import { loadFixture, NOW } from '../../e2e/fixture-data.js';
import { ADMIN, ensureWebBuild, startTestServer, type TestServer } from '../../e2e/server.js';
import { allFlows } from '../../src/store/contract/context.js';
import { makeFlow } from '../../src/testing/flow-factory.js';

const SKIP = chromiumUnavailable();
const DAY = 86_400_000;

describe.skipIf(SKIP !== null)(`flow search${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    await ensureWebBuild();
    server = await startTestServer({ now: NOW, demo: true, flowSearchMs: 0 });
    await loadFixture(server.services.store, { days: 2 });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  interface Answer {
    searchedTo: number | null;
    ids: string[];
  }

  /**
   * A signed-in page at the tests' pinned time, and every flow-explorer answer it gets, recorded
   * before the page sees it and handed on a little late, so that the progress line stays long
   * enough to be seen.
   */
  async function explorer(delayMs: number): Promise<{
    context: BrowserContext;
    page: Page;
    problems: ReturnType<typeof watchPage>;
    answers: Answer[];
  }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.clock.setFixedTime(NOW);
    const login = await context.request.post(`${server.url}/api/v1/auth/login`, { data: ADMIN });
    expect(login.status()).toBe(200);
    const page = await context.newPage();
    const problems = watchPage(page);
    const answers: Answer[] = [];
    await page.route('**/api/v1/dashboard/flows?*', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as {
        flows: { id: string }[];
        searchedTo: number | null;
      };
      answers.push({ searchedTo: body.searchedTo, ids: body.flows.map((f) => f.id) });
      await new Promise((r) => setTimeout(r, delayMs));
      await route.fulfill({ response });
    });
    return { context, page, problems, answers };
  }

  it('goes on searching by itself, shows how far back, and ends with every match', async () => {
    const filter = { from: NOW - DAY, to: NOW, port: 5432, verdict: ['denied' as const] };
    const expected = (await allFlows(server.services.store, filter)).length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(1000);

    const { context, page, problems, answers } = await explorer(150);
    await page.goto(`${server.url}/flows?range=24h&port=5432&verdict=denied`);
    const progress = page.getByTestId('search-progress');
    await progress.waitFor();
    expect(await progress.innerText()).toMatch(
      /searching: back to .*\d\d:\d\d \(\d+% of the window\)/,
    );
    const count = page.getByTestId('row-count');
    await expect
      .poll(() => count.getAttribute('data-rows'), { timeout: 30_000 })
      .toBe(String(expected));
    await progress.waitFor({ state: 'detached' });
    // Several answers were cut by the budget, and none came back after the last one.
    expect(answers.filter((a) => a.searchedTo !== null).length).toBeGreaterThan(1);
    expect(answers.at(-1)?.searchedTo).toBeNull();
    expect(answers.reduce((n, a) => n + a.ids.length, 0)).toBe(expected);
    expect(problems.errors).toEqual([]);
    await context.close();
  });

  it("stops at a page of rows, and searches on for a page more when the table's end is reached", async () => {
    // On a port of their own: 1,200 events in the last hour, then hours with none, then 600
    // spread over 30 to 40 hours ago. The page after the first takes many slices to fill.
    const HOUR = DAY / 24;
    const times = [
      ...Array.from({ length: 1200 }, (_, i) => NOW - 1 - Math.floor((i * HOUR) / 1200)),
      ...Array.from({ length: 600 }, (_, i) => NOW - 30 * HOUR - Math.floor((i * 10 * HOUR) / 600)),
    ];
    await server.services.store.writeBatch({
      id: 'search-on-scroll',
      flows: times.map((time) => makeFlow({ time, port: 7777 })),
      source: 'hubble',
      receivedAt: NOW,
    });
    const filter = { from: NOW - 7 * DAY, to: NOW, port: 7777 };
    const expected = (await allFlows(server.services.store, filter)).length;
    expect(expected).toBe(1800);

    const { context, page, problems, answers } = await explorer(100);
    await page.goto(`${server.url}/flows?range=7d&port=7777`);
    const count = page.getByTestId('row-count');
    const rows = async (): Promise<number> => Number(await count.getAttribute('data-rows'));
    // The first screen: the search goes on by itself until a page (1,000 rows) is here.
    await expect.poll(rows, { timeout: 30_000 }).toBeGreaterThanOrEqual(1000);
    expect(await page.getByTestId('search-progress').count()).toBe(0);
    const first = await rows();
    expect(first).toBeLessThan(expected);
    expect(answers.filter((a) => a.searchedTo !== null).length).toBeGreaterThan(0);
    const asked = answers.length;
    // Then it waits: nothing more is asked until the reader wants more.
    await page.waitForTimeout(750);
    expect(answers.length).toBe(asked);
    expect(await rows()).toBe(first);
    expect(await page.getByTestId('flow-table').innerText()).toContain('more load as you scroll');

    // The End key moves to the table's last row: a page more, searched for slice by slice.
    const body = page.getByRole('rowgroup', { name: /Flows rows/ });
    await body.focus();
    await page.keyboard.press('End');
    // Past the 200 left of the last hour come hours with none: it says how far it has come.
    const progress = page.getByTestId('search-progress');
    await progress.waitFor();
    expect(await progress.innerText()).toMatch(/searching: back to .*\(\d+% of the window\)/);
    // 1,800 is all there is, so it searches on to the week's start, and then stops.
    await expect.poll(rows, { timeout: 30_000 }).toBe(expected);
    await progress.waitFor({ state: 'detached' });
    const after = answers.slice(asked);
    expect(after.filter((a) => a.searchedTo !== null).length).toBeGreaterThan(2);
    expect(after.at(-1)?.searchedTo).toBeNull();
    // Every row once: the answers, in order, are the newest events of the window.
    const ids = answers.flatMap((a) => a.ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(await rows());
    const newest = await server.services.store.queryFlows(filter, { limit: ids.length });
    expect(ids).toEqual(newest.flows.map((f) => f.id));
    expect(problems.errors).toEqual([]);
    await context.close();
  });
});
