/**
 * The time picker says when the oldest cached dashboard answer on the page was computed: answers
 * over a day come from the server's cache for up to 30 s (docs/dashboard.md#answer-cache). The
 * server's clock is moved by the test; the browser's is pinned to match.
 */
import { join } from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  chromiumUnavailable,
  launchChromium,
  type PageProblems,
  watchPage,
} from '../../e2e/browser.js';
import { loadFixture, NOW } from '../../e2e/fixture-data.js';
import { ADMIN, ensureWebBuild, REPO, startTestServer, type TestServer } from '../../e2e/server.js';

const SKIP = chromiumUnavailable();
const SHOTS = join(REPO, 'test-results', 'screenshots');

describe.skipIf(SKIP !== null)(`answer age in Chromium${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let server: TestServer;
  let serverNow = NOW;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    await ensureWebBuild();
    server = await startTestServer({ now: NOW, clock: () => serverNow });
    await loadFixture(server.services.store, { days: 1 });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async () => {
    const p = problems;
    await context?.close();
    expect(p?.errors ?? [], 'browser console errors').toEqual([]);
  });

  let overviewUrl = '';
  /** Moves both clocks to `at`, presses "Refresh now", returns the overview answer's Age. */
  async function refreshAt(at: number): Promise<string | null> {
    serverNow = at;
    await context.clock.setFixedTime(at);
    const answer = page.waitForResponse((r) => r.url().includes('/api/v1/dashboard/overview?'));
    await page.getByRole('button', { name: 'Refresh now' }).click();
    const got = await answer;
    overviewUrl = got.url();
    const age = got.headers()['age'] ?? null;
    await page.waitForLoadState('networkidle');
    return age;
  }

  /** Signs in a new browser whose clock, and the server's, read `at`, and opens the overview. */
  async function openOverviewAt(at: number, range: string): Promise<void> {
    serverNow = at;
    context = await browser.newContext({ timezoneId: 'UTC', locale: 'en-GB' });
    await context.request.post(`${server.url}/api/v1/auth/login`, { data: ADMIN });
    await context.clock.setFixedTime(at);
    page = await context.newPage();
    problems = watchPage(page);
    await page.goto(`${server.url}/?range=${range}`);
    await page.locator('[data-testid="overview-denied-chart"] canvas').waitFor();
    await page.waitForLoadState('networkidle');
  }

  it('shows when the oldest answer was computed, cached or new', async () => {
    await openOverviewAt(NOW, '24h');
    const asOf = page.getByTestId('answers-as-of');
    expect(await asOf.innerText()).toBe('as of 11/03 12:00:00');
    // 12:00:00 ends a step: no step is still filling, so nothing is drawn dashed.
    expect(await page.getByTestId('open-step').count()).toBe(0);
    // 20 s later the window's end has moved past the cached answer's: it is served (computed
    // at 12:00:00) while one newer answer is computed in the background.
    expect(await refreshAt(NOW + 20_000)).toBe('20');
    expect(await asOf.innerText()).toBe('as of 11/03 12:00:00');
    await page.screenshot({ path: join(SHOTS, 'answer-age.png') });
    // The newer answer is there once the same question gets it, new (Age 0).
    await expect
      .poll(async () => (await context.request.get(overviewUrl)).headers()['age'], {
        timeout: 10_000,
      })
      .toBe('0');
    // At 12:01:40 that newer answer (12:00:20) is 80 s old, within three lifetimes of 30 s:
    // served again while the next one is computed.
    expect(await refreshAt(NOW + 100_000)).toBe('80');
    expect(await asOf.innerText()).toBe('as of 11/03 12:00:20');
    // A second later, the answer computed at 12:01:40.
    await expect.poll(() => refreshAt(NOW + 101_000), { timeout: 10_000 }).toBe('1');
    expect(await asOf.innerText()).toBe('as of 11/03 12:01:40');
    // Another page counts its own answers (the denied page's, new at 12:01:41)...
    const asked: string[] = [];
    page.on('request', (r) => asked.push(r.url()));
    const denied = page.waitForResponse((r) => r.url().includes('/api/v1/dashboard/denied?'));
    await page.getByRole('link', { name: 'Denied traffic' }).click();
    await denied;
    await page.waitForLoadState('networkidle');
    expect(await asOf.innerText()).toBe('as of 11/03 12:01:41');
    // ... and back on the overview, the browser shows its own copies of the overview's answers
    // without asking again: still as of 12:01:40.
    asked.length = 0;
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByTestId('headline').waitFor();
    await page.waitForLoadState('networkidle');
    expect(asked.filter((u) => u.includes('/api/v1/dashboard/overview?'))).toEqual([]);
    expect(await asOf.innerText()).toBe('as of 11/03 12:01:40');
  });

  it('draws a step that is still filling dashed, and says so', async () => {
    // 41 s into the minute 12:02: the 1-minute charts' last step holds now.
    await openOverviewAt(NOW + 161_000, '1h');
    const notes = page.getByTestId('open-step');
    expect(await notes.count()).toBe(2);
    expect(await notes.first().innerText()).toContain('dashed: the last step, still filling');
  });
});
