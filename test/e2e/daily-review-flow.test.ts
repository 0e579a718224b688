/**
 * The whole daily routine in one browser session, as a security officer does it: the review
 * lists the detectors' findings; one is suspicious and opens an incident; the incident notifies
 * the developers through a real local webhook receiver and goes contained → resolved → closed;
 * the review is signed off; the daily report is generated, downloaded, carries the review, and
 * verifies by upload. Clock and timezone pinned; any console error or dialog fails the test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  chromiumUnavailable,
  launchChromium,
  type PageProblems,
  watchPage,
} from '../../e2e/browser.js';
import { loadFixture, NOW } from '../../e2e/fixture-data.js';
import { fixtureModel } from '../../e2e/fixture-model.js';
import { ADMIN, ensureWebBuild, startTestServer, type TestServer } from '../../e2e/server.js';
import type { Finding } from '../../src/domain/detect/finding.js';
import { detectRange } from '../../src/services/detection.js';

const SKIP = chromiumUnavailable();
const DAY = 86_400_000;
const NOTE = 'Daily review: one scan handled as an incident, the rest explained.';

describe.skipIf(SKIP !== null)(
  `review → incident → report${SKIP ? ` (skipped: ${SKIP})` : ''}`,
  () => {
    let server: TestServer;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let problems: PageProblems;
    let receiver: Server;
    let findings: Finding[];
    const received: string[] = [];

    beforeAll(async () => {
      await ensureWebBuild();
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push(body);
          res.end('ok');
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      server = await startTestServer({ now: NOW, demo: false });
      const g = server.services.governance;
      g.now = () => NOW;
      g.model = () => fixtureModel();
      g.config = {
        ...g.config,
        incidents: { notify: { webhooks: [{ name: 'platform-chat', url: hook, format: 'json' }] } },
      };
      await loadFixture(server.services.store, { days: 2 });
      findings = (
        await detectRange(
          { store: g.store, findings: g.findings },
          { from: NOW - DAY, to: NOW },
          { now: NOW },
        )
      ).findings;
      browser = await launchChromium();
    }, 180_000);

    afterAll(async () => {
      await context?.close();
      await browser?.close();
      await server?.close();
      await new Promise<void>((r) => receiver?.close(() => r()));
    });

    it('reviews, handles the incident to closure, signs off and issues a verifiable report', async () => {
      expect(findings.length).toBeGreaterThanOrEqual(2);
      context = await browser.newContext({
        timezoneId: 'UTC',
        viewport: { width: 1280, height: 900 },
        acceptDownloads: true,
      });
      await context.clock.setFixedTime(NOW);
      page = await context.newPage();
      problems = watchPage(page);
      await page.goto(`${server.url}/review?cluster=prod-eu1`);
      await page.getByLabel('User name').fill(ADMIN.username);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      problems.errors.length = 0;

      // 1. The review: the first finding is suspicious and becomes an incident.
      const item = (f: Finding) => page.locator(`[data-key="finding:${f.id}"]`);
      const [suspicious, ...explained] = findings;
      await item(suspicious!).getByRole('button', { name: 'Suspicious' }).click();
      await item(suspicious!).getByLabel('Reason').fill('scan of sensitive ports');
      await item(suspicious!)
        .getByRole('button', { name: 'Open incident and mark suspicious' })
        .click();
      const incidentLink = item(suspicious!).getByRole('link', { name: 'incident' });
      // The first disposition of the day: no review exists until it is recorded.
      await incidentLink.waitFor();
      for (const f of explained) {
        await item(f).getByRole('button', { name: 'False positive' }).click();
        await item(f).getByLabel('Reason').fill('known batch behaviour');
        await item(f).getByRole('button', { name: 'Mark false-positive' }).click();
        await item(f).getByTestId('disposition').waitFor();
      }

      // 2. The incident, from the review's link: notify the developers, then contain → close.
      await incidentLink.click();
      await page.waitForURL(/\/incidents\//);
      await page.getByTestId('escalation-banner').waitFor();
      await page.getByTestId('notify-preview').click();
      await page.getByTestId('notify-markdown').waitFor();
      await page.getByTestId('notify-send').click();
      await page.getByTestId('notify-result').getByText('platform-chat: sent').waitFor();
      expect(received).toHaveLength(1);
      expect(received[0]).toContain(suspicious!.type);
      await page.getByTestId('to-contained').click();
      await expect.poll(() => page.getByTestId('incident-status').textContent()).toBe('contained');
      await page.getByTestId('outcome').selectOption('attack-contained');
      await page.getByTestId('status-reason').fill('scanner removed, image rebuilt');
      await page.getByTestId('to-resolved').click();
      await expect.poll(() => page.getByTestId('incident-status').textContent()).toBe('resolved');
      await page.getByTestId('to-closed').click();
      await expect.poll(() => page.getByTestId('incident-status').textContent()).toBe('closed');

      // 3. Back to the review: every item decided, sign off with a note.
      await page.goto(`${server.url}/review?cluster=prod-eu1`);
      await expect
        .poll(() => page.getByTestId('items-left').textContent())
        .toMatch(/Every item has a disposition/);
      await page.getByLabel('Sign-off note').fill(NOTE);
      await page.getByRole('button', { name: 'Sign off review' }).click();
      await page.getByTestId('signed-off').waitFor();

      // 4. An hour later, the daily report for the day: generated, downloaded, carries the
      // review, verifies.
      server.services.governance.now = () => NOW + 3_600_000;
      await page.goto(`${server.url}/reports`);
      const form = page.getByRole('form', { name: 'Generate a report' });
      await form.getByLabel('Kind').selectOption('daily');
      await form.getByLabel('Period').fill(new Date(NOW).toISOString().slice(0, 10));
      await form.getByLabel('Format').selectOption('html');
      await form.getByRole('button', { name: 'Generate' }).click();
      const link = page.getByTestId('generated').getByRole('link');
      await link.waitFor();
      const file = await page.request.get(
        `${server.url}${(await link.getAttribute('href')) ?? ''}`,
      );
      expect(file.status()).toBe(200);
      const html = (await file.body()).toString();
      expect(html).toContain(NOTE);
      expect(html).toMatch(/suspicious/);
      const verify = page.getByRole('form', { name: 'Verify a report' });
      await verify
        .getByLabel('Report file')
        .setInputFiles({ name: 'daily.html', mimeType: 'text/html', buffer: Buffer.from(html) });
      await expect
        .poll(() => page.getByTestId('verify-verdict').textContent())
        .toMatch(/^Verified: daily report/);

      // Every step is in the audit log, and the chain verifies.
      const audit = await page.request.get(`${server.url}/api/v1/audit?limit=500`);
      const actions = ((await audit.json()) as { entries: { action: string }[] }).entries.map(
        (e) => e.action,
      );
      expect(actions).toEqual(
        expect.arrayContaining([
          'review.disposition',
          'incident.create',
          'incident.notify',
          'incident.update',
          'review.signoff',
          'report.issue',
        ]),
      );
      const chain = await page.request.get(`${server.url}/api/v1/audit/verify`);
      expect(await chain.json()).toMatchObject({ ok: true });
      expect(problems.errors, 'browser console errors').toEqual([]);
      expect(problems.dialogs, 'dialogs').toEqual([]);
    }, 180_000);
  },
);
