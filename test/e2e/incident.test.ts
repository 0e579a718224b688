/**
 * An incident from detection to closure in Chromium: created from a finding (as the finding page
 * does), opened from the list, developers notified through a real local webhook receiver, then
 * contained, resolved and closed. Attacker-controlled names render as text. Any console error
 * or dialog fails the test.
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
import { NOW } from '../../e2e/fixture-data.js';
import { ADMIN, ensureWebBuild, startTestServer, type TestServer } from '../../e2e/server.js';
import {
  findingFixture,
  incidentModel,
} from '../../src/services/incidents/incident-test-fixtures.js';

const SKIP = chromiumUnavailable();
const XSS = '<img src=x onerror=alert(1)>';

describe.skipIf(SKIP !== null)(`incident workflow${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let receiver: Server;
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
    g.config = {
      ...g.config,
      incidents: { notify: { webhooks: [{ name: 'team-chat', url: hook, format: 'slack' }] } },
    };
    g.model = () => incidentModel();
    g.now = () => NOW;
    await g.findings.upsertFindings([
      findingFixture({
        id: 'f-e2e',
        start: NOW - 20 * 60_000,
        end: NOW - 60_000,
        explanation: `scan from ${XSS}`,
      }),
    ]);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
    await new Promise<void>((r) => receiver?.close(() => r()));
  });

  it('creates from a finding, notifies, contains, resolves and closes', async () => {
    context = await browser.newContext({
      timezoneId: 'UTC',
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
    problems = watchPage(page);
    await page.goto(`${server.url}/incidents`);
    await page.getByLabel('User name').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    problems.errors.length = 0;

    // The finding page's "Open incident" button makes exactly this call.
    const me = (await (await page.request.get(`${server.url}/api/v1/auth/me`)).json()) as {
      csrfToken: string;
    };
    const created = await page.request.post(`${server.url}/api/v1/incidents`, {
      headers: { 'x-csrf-token': me.csrfToken },
      data: { findingIds: ['f-e2e'], note: 'opened from the finding page' },
    });
    expect(created.status()).toBe(201);
    const { id } = (await created.json()) as { id: string };

    await page.reload();
    const row = page.getByTestId('incident-row').filter({ hasText: id });
    await row.waitFor();
    expect(await row.textContent()).toContain('Quarantine the workload');
    await row.getByRole('link').click();

    const banner = page.getByTestId('escalation-banner');
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/Delay favours the attacker/);
    expect(await banner.textContent()).toMatch(/20 min since detection/);
    await page.getByTestId('linked-finding').getByRole('link').waitFor();
    expect(await page.getByTestId('linked-finding').getByRole('link').getAttribute('href')).toBe(
      '/findings/f-e2e',
    );
    // Attacker text is text, not markup.
    expect(await page.getByTestId('incident-evidence').textContent()).toContain(XSS);

    await page.getByTestId('notify-preview').click();
    await page.getByTestId('notify-markdown').waitFor();
    expect(await page.getByTestId('notify-markdown').textContent()).toContain('port-scan');
    await page.getByTestId('notify-send').click();
    await page.getByTestId('notify-result').getByText('team-chat: sent').waitFor();
    expect(received).toHaveLength(1);
    expect(received[0]).toContain('&lt;img src=x onerror=alert(1)&gt;');

    await page.getByTestId('to-contained').click();
    await expect.poll(() => page.getByTestId('incident-status').textContent()).toBe('contained');
    await page.getByTestId('outcome').selectOption('attack-contained');
    await page.getByTestId('status-reason').fill('scanner pod deleted, image rebuilt');
    await page.getByTestId('to-resolved').click();
    await expect.poll(() => page.getByTestId('incident-status').textContent()).toBe('resolved');
    await page.getByTestId('to-closed').click();
    await expect.poll(() => page.getByTestId('incident-status').textContent()).toBe('closed');
    expect(await banner.textContent()).toMatch(/Responded after 20 min/);

    const kinds = await page
      .getByTestId('timeline-entry')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')));
    expect(kinds).toEqual(['created', 'comment', 'notify', 'status', 'status', 'status']);
    expect(problems.errors, 'browser console errors').toEqual([]);
    expect(problems.dialogs, 'dialogs').toEqual([]);
  }, 120_000);
});
