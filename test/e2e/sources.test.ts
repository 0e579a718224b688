/**
 * The sources page in Chromium: a failing source with an attacker-chosen name shows as an
 * evidence gap (rendered as text), and the policy-change journal lists and filters changes.
 * Any console error or dialog fails the test.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  chromiumUnavailable,
  launchChromium,
  type PageProblems,
  watchPage,
} from '../../e2e/browser.js';
import { NOW } from '../../e2e/fixture-data.js';
import { ADMIN, ensureWebBuild, startTestServer, type TestServer } from '../../e2e/server.js';
import { policyChangeStoreFor } from '../../src/services/live-model/policy-change-store-for.js';
import { registerSourceHealth } from '../../src/services/live-model/source-health.js';
import { policyChange } from '../../src/store/contract/policy-change-contract.js';

const SKIP = chromiumUnavailable();
const XSS_NAME = 'hubble-relay://<img src=x onerror=alert(1)>:4245';

describe.skipIf(SKIP !== null)(`sources page${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    await ensureWebBuild();
    server = await startTestServer({ now: NOW, demo: false });
    const now = Date.now();
    registerSourceHealth(server.services.governance, () => [
      {
        name: XSS_NAME,
        kind: 'hubble-relay',
        state: 'reconnecting',
        lastDataAt: now - 3_600_000,
        lastBatchAt: now - 3_600_000,
        lagMs: 1000,
        records: 1234,
        lostEvents: 7,
        duplicatesSkipped: 0,
        errors: 5,
        lastError: 'connect ECONNREFUSED',
        reconnects: 2,
      },
    ]);
    await policyChangeStoreFor(server.services.store).recordPolicyChanges([
      policyChange({ id: 'a', time: now - 60_000, summary: 'modified: ingress rules 1 → 2' }),
      policyChange({
        id: 'b',
        time: now - 120_000,
        kind: 'Namespace',
        namespace: 'pay',
        name: 'pay',
        type: 'modified',
        summary: 'labels +team=<b>x</b>',
      }),
    ]);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  afterEach(async () => {
    const p = problems;
    await context?.close();
    expect(p.errors, 'browser console errors').toEqual([]);
    expect(p.dialogs, 'dialogs').toEqual([]);
  });

  it('shows a failing source as an evidence gap and lists policy changes', async () => {
    context = await browser.newContext({
      timezoneId: 'UTC',
      viewport: { width: 1400, height: 1000 },
    });
    page = await context.newPage();
    problems = watchPage(page);
    await page.goto(`${server.url}/sources`);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(problems.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    problems.errors.length = 0;

    const sources = page.getByTestId('sources');
    await sources.getByRole('cell', { name: XSS_NAME }).waitFor();
    expect(await sources.getByRole('cell', { name: 'failing' }).count()).toBe(1);
    await expect
      .poll(() => page.getByTestId('sources-summary').textContent())
      .toMatch(/1 silent or failing: evidence gap/);

    const changes = page.getByTestId('policy-changes');
    await changes.getByRole('cell', { name: 'modified: ingress rules 1 → 2' }).waitFor();
    await changes.getByRole('cell', { name: 'labels +team=<b>x</b>' }).waitFor();
    await page.getByLabel('Kind').selectOption('Namespace');
    await expect
      .poll(() => changes.getByRole('cell', { name: 'modified: ingress rules 1 → 2' }).count())
      .toBe(0);
  });
});
