/**
 * The flow explorer's search in slices, in Chromium: with a search budget of 0 the server
 * answers each page after one time slice, so a filter that matches rarely takes many requests.
 * The page goes on by itself, says how far back it has searched, and ends with exactly the rows
 * one unsliced query gives.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { chromiumUnavailable, launchChromium, watchPage } from '../../e2e/browser.js';
import { loadFixture, NOW } from '../../e2e/fixture-data.js';
import { ADMIN, ensureWebBuild, startTestServer, type TestServer } from '../../e2e/server.js';
import { allFlows } from '../../src/store/contract/context.js';

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

  it('goes on searching by itself, shows how far back, and ends with every match', async () => {
    const filter = { from: NOW - DAY, to: NOW, port: 5432, verdict: ['denied' as const] };
    const expected = (await allFlows(server.services.store, filter)).length;
    expect(expected).toBeGreaterThan(0);
    expect(expected).toBeLessThan(1000);

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.clock.setFixedTime(NOW);
    const login = await context.request.post(`${server.url}/api/v1/auth/login`, { data: ADMIN });
    expect(login.status()).toBe(200);
    const page = await context.newPage();
    const problems = watchPage(page);
    // Slow each page down a little, so that the progress line is there long enough to see.
    const answers: { searchedTo: number | null; rows: number }[] = [];
    await page.route('**/api/v1/dashboard/flows?*', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { flows: unknown[]; searchedTo: number | null };
      answers.push({ searchedTo: body.searchedTo, rows: body.flows.length });
      await new Promise((r) => setTimeout(r, 150));
      await route.fulfill({ response });
    });
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
    expect(answers.reduce((n, a) => n + a.rows, 0)).toBe(expected);
    expect(problems.errors).toEqual([]);
    await context.close();
  });
});
