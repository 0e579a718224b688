/**
 * The daily review in Chromium on real data: the e2e fixture's flows, findings from the real
 * detectors, then an admin dispositions each item (false positive, expected with an expiring
 * suppression, suspicious with an incident opened through the incidents API), signs off, and
 * the overdue banner gives way to the next due time. Attacker-named workloads render as text;
 * any console error or dialog fails the test.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  chromiumUnavailable,
  launchChromium,
  type PageProblems,
  watchPage,
} from '../../e2e/browser.js';
import { loadFixture, NOW, XSS_POD } from '../../e2e/fixture-data.js';
import { ADMIN, ensureWebBuild, startTestServer, type TestServer } from '../../e2e/server.js';
import type { Finding } from '../../src/domain/detect/finding.js';
import { detectRange } from '../../src/services/detection.js';

const SKIP = chromiumUnavailable();
const DAY = 86_400_000;

describe.skipIf(SKIP !== null)(`daily review${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let findings: Finding[];

  beforeAll(async () => {
    await ensureWebBuild();
    server = await startTestServer({ now: NOW, demo: false });
    const g = server.services.governance;
    g.now = () => NOW;
    await loadFixture(server.services.store, { days: 2 });
    const r = await detectRange(
      { store: g.store, findings: g.findings },
      { from: NOW - DAY, to: NOW },
      { now: NOW },
    );
    findings = r.findings;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  it('runs a review of the cluster and signs it off', async () => {
    expect(findings.length).toBeGreaterThanOrEqual(3);
    context = await browser.newContext({
      timezoneId: 'UTC',
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
    problems = watchPage(page);
    await page.goto(`${server.url}/review?cluster=prod-eu1`);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    problems.errors.length = 0;

    await page.getByTestId('overdue-banner').waitFor();
    const items = page.getByTestId('review-item');
    await expect.poll(() => items.count()).toBe(findings.length);
    // The attacker-chosen workload name is text, not markup.
    await page.getByText(XSS_POD, { exact: false }).first().waitFor();

    const item = (f: Finding) => page.locator(`[data-key="finding:${f.id}"]`);
    const [first, second, ...rest] = findings;
    // False positive, with its reason.
    await item(first!).getByRole('button', { name: 'False positive' }).click();
    await item(first!).getByLabel('Reason').fill('load test from the platform team');
    await item(first!).getByRole('button', { name: 'Mark false-positive' }).click();
    await item(first!).getByTestId('disposition').waitFor();
    // Expected: a suppression with owner and expiry, shown on the item.
    await item(second!).getByRole('button', { name: 'Expected' }).click();
    await item(second!).getByLabel('Reason').fill('nightly job, fixed next sprint');
    await item(second!).getByLabel('Owner').fill('team-batch');
    await item(second!).getByRole('button', { name: 'Mark expected' }).click();
    await item(second!).getByTestId('suppressed').waitFor();
    // Suspicious: opens an incident and records its id.
    for (const f of rest) {
      await item(f).getByRole('button', { name: 'Suspicious' }).click();
      await item(f).getByLabel('Reason').fill('unexpected egress');
      await item(f).getByRole('button', { name: 'Open incident and mark suspicious' }).click();
      await item(f).getByRole('link', { name: 'incident' }).waitFor();
    }
    await expect
      .poll(() => page.getByTestId('items-left').textContent())
      .toMatch(/Every item has a disposition/);
    await page.getByLabel('Sign-off note').fill('Reviewed all findings of the day.');
    await page.getByRole('button', { name: 'Sign off review' }).click();
    await page.getByTestId('signed-off').waitFor();
    await page.getByTestId('due-banner').waitFor();
    await page.getByTestId('history-entry').first().waitFor();
    expect(await page.getByTestId('history-entry').first().textContent()).toContain(
      'Reviewed all findings of the day.',
    );

    const audit = await page.request.get(`${server.url}/api/v1/audit?limit=200`);
    const actions = ((await audit.json()) as { entries: { action: string }[] }).entries.map(
      (e) => e.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'review.start',
        'review.disposition',
        'suppression.create',
        'review.signoff',
      ]),
    );
    const metrics = await page.request.get(`${server.url}/metrics`);
    expect(await metrics.text()).toMatch(/netsec_review_overdue\{cluster="prod-eu1"\} 0/);

    // The finding page shows the decision and the link to its traffic.
    await page.goto(`${server.url}/findings/${encodeURIComponent(first!.id)}`);
    await page
      .getByTestId('finding-reviews')
      .getByText('false-positive', { exact: false })
      .waitFor();
    expect(await page.getByTestId('traffic-link').getAttribute('href')).toMatch(
      /^\/(denied|allowed)\?cluster=prod-eu1/,
    );
    expect(problems.errors).toEqual([]);
    expect(problems.dialogs).toEqual([]);
  });
});
