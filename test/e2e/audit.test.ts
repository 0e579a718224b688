/**
 * The audit log page in Chromium: an auditor sees sign-ins (an attacker-typed actor rendered
 * as text), filters, verifies the chain and gets the CSV link; a developer has no Audit entry.
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

const SKIP = chromiumUnavailable();
const XSS_ACTOR = '<img src=x onerror=alert(1)>';

describe.skipIf(SKIP !== null)(`audit log page${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;

  beforeAll(async () => {
    await ensureWebBuild();
    server = await startTestServer({ now: NOW, demo: false });
    const auth = server.services.auth;
    await auth.users.add(
      { username: 'audrey', password: 'Auditor-Passw0rd-x', role: 'auditor' },
      'test',
    );
    await auth.users.add(
      {
        username: 'devon',
        password: 'Developer-Passw0rd-x',
        role: 'developer',
        namespaces: ['shop'],
      },
      'test',
    );
    await auth.sessions.login(XSS_ACTOR, 'nope', '127.0.0.1');
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(username: string, password: string, path: string): Promise<void> {
    context = await browser.newContext({
      timezoneId: 'UTC',
      viewport: { width: 1280, height: 900 },
    });
    page = await context.newPage();
    problems = watchPage(page);
    await page.goto(`${server.url}${path}`);
    await page.getByLabel('User name').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    // The refusals allowed: the session checks (GET /api/v1/auth/me) before signing in.
    expect(problems.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    problems.errors.length = 0;
  }

  afterEach(async () => {
    const p = problems;
    await context?.close();
    expect(p.errors, 'browser console errors').toEqual([]);
    expect(p.dialogs, 'dialogs').toEqual([]);
  });

  it('shows an auditor the log, filters it, verifies the chain and offers CSV', async () => {
    await signIn('audrey', 'Auditor-Passw0rd-x', '/audit');
    const panel = page.getByTestId('audit-log');
    await panel.getByRole('cell', { name: XSS_ACTOR }).waitFor();
    await page.getByRole('link', { name: 'Audit log' }).waitFor();
    await page.getByLabel('Outcome').selectOption('failed');
    await expect.poll(() => panel.getByRole('cell', { name: 'audrey' }).count()).toBe(0);
    expect(await panel.getByRole('cell', { name: 'failed' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Verify hash chain' }).click();
    await expect.poll(() => page.getByTestId('chain-status').textContent()).toMatch(/Chain intact/);
    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    expect(href).toContain('format=csv');
    const csv = await page.request.get(`${server.url}${href}`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain(XSS_ACTOR);
  });

  it('gives a developer no Audit entry and the API refuses them', async () => {
    await signIn('devon', 'Developer-Passw0rd-x', '/');
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    const r = await page.request.get(`${server.url}/api/v1/audit`);
    expect(r.status()).toBe(403);
  });

  it('lets the admin in too', async () => {
    await signIn(ADMIN.username, ADMIN.password, '/audit');
    await page
      .getByTestId('audit-log')
      .getByRole('cell', { name: 'user.create' })
      .first()
      .waitFor();
  });
});
