/**
 * The compliance and reports pages in Chromium: the controls table with status chips and
 * gaps, a report generated from the form, listed with its hash, downloaded and verified by
 * upload; a modified upload is refused. Any console error or dialog fails the test.
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

const SKIP = chromiumUnavailable();

describe.skipIf(SKIP !== null)(
  `compliance and reports pages${SKIP ? ` (skipped: ${SKIP})` : ''}`,
  () => {
    let server: TestServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let problems: PageProblems;

    beforeAll(async () => {
      await ensureWebBuild();
      server = await startTestServer({ now: NOW, demo: false });
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

    async function signIn(path: string): Promise<void> {
      context = await browser.newContext({
        timezoneId: 'UTC',
        viewport: { width: 1400, height: 900 },
      });
      page = await context.newPage();
      problems = watchPage(page);
      await page.goto(`${server.url}${path}`);
      await page.getByLabel('User name').fill(ADMIN.username);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      problems.errors = problems.errors.filter((e) => !/status of 401/.test(e));
    }

    it('shows every control with its status and the gaps of an empty store', async () => {
      await signIn('/compliance');
      const hslf = page.getByTestId('control-hslf-18');
      await hslf.waitFor();
      expect(await page.locator('[data-testid^="control-"]').count()).toBe(16);
      expect(await hslf.locator('.status-chip').textContent()).toMatch(/gap|partial/);
      await page.getByTestId('evidence-retention').getByText(/Gap:/).waitFor();
    });

    it('generates a report, lists it with its hash, and verifies the downloaded file', async () => {
      await signIn('/reports');
      const form = page.getByRole('form', { name: 'Generate a report' });
      await form.getByLabel('Kind').selectOption('annual');
      await form.getByLabel('Period').fill('2025');
      await form.getByLabel('Format').selectOption('html');
      await form.getByRole('button', { name: 'Generate' }).click();
      const link = page.getByTestId('generated').getByRole('link');
      await link.waitFor();
      const href = (await link.getAttribute('href')) ?? '';
      const file = await page.request.get(`${server.url}${href}`);
      expect(file.status()).toBe(200);
      const body = await file.body();
      expect(body.toString()).toContain('Annual evaluation');
      await page.getByTestId('report-list').getByText('annual').first().waitFor();

      const verify = page.getByRole('form', { name: 'Verify a report' });
      await verify
        .getByLabel('Report file')
        .setInputFiles({ name: 'r.html', mimeType: 'text/html', buffer: body });
      await expect
        .poll(() => page.getByTestId('verify-verdict').textContent())
        .toMatch(/^Verified: annual report for 2025/);
      await verify.getByLabel('Report file').setInputFiles({
        name: 'x.html',
        mimeType: 'text/html',
        buffer: Buffer.from(body.toString().replace('Annual', 'Anual')),
      });
      await expect
        .poll(() => page.getByTestId('verify-verdict').textContent())
        .toMatch(/Not verified: unknown hash/);
    });
  },
);
