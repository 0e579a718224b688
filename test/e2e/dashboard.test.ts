/**
 * Browser tests of the dashboard: the real server (Fastify app, SQLite store in a temp dir)
 * with realistic flows, driven through Debian's Chromium. The clock and the timezone are
 * pinned; any console error fails the test. Screenshots go to test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import {
  chromiumUnavailable,
  launchChromium,
  type PageProblems,
  watchPage,
} from '../../e2e/browser.js';
import { FORMULA_LABEL, loadFixture, NOW, XSS_LABEL, XSS_POD } from '../../e2e/fixture-data.js';
import { fixtureModel } from '../../e2e/fixture-model.js';
import { ADMIN, ensureWebBuild, REPO, startTestServer, type TestServer } from '../../e2e/server.js';
import { createPolicyEnginePort } from '../../src/services/dashboard/index.js';

const SKIP = chromiumUnavailable();
const SHOTS = join(REPO, 'test-results', 'screenshots');

describe.skipIf(SKIP !== null)(`dashboard in Chromium${SKIP ? ` (skipped: ${SKIP})` : ''}`, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let session: Awaited<ReturnType<BrowserContext['storageState']>>;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    await ensureWebBuild();
    server = await startTestServer({
      now: NOW,
      demo: true,
      policy: createPolicyEnginePort(fixtureModel()),
    });
    await loadFixture(server.services.store, { days: 2 });
    browser = await launchChromium();
    // Sign in once through the API; every test's context starts with that session.
    const ctx = await browser.newContext();
    const r = await ctx.request.post(`${server.url}/api/v1/auth/login`, { data: ADMIN });
    expect(r.status()).toBe(200);
    session = await ctx.storageState();
    await ctx.close();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(path: string, signedIn = true): Promise<void> {
    context = await browser.newContext({
      ...(signedIn ? { storageState: session } : {}),
      viewport: { width: 1280, height: 900 },
      timezoneId: 'UTC',
      locale: 'en-GB',
      acceptDownloads: true,
    });
    await context.clock.setFixedTime(NOW);
    page = await context.newPage();
    problems = watchPage(page);
    await page.goto(`${server.url}${path}`);
  }

  afterEach(async () => {
    const p = problems;
    await context?.close();
    expect(p?.errors ?? [], 'browser console errors').toEqual([]);
    expect(p?.dialogs ?? [], 'dialogs (an XSS payload would open one)').toEqual([]);
  });

  const shot = (name: string): Promise<Buffer> =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('sign-in form: wrong password is refused, the right one opens the dashboard', async () => {
    await open('/denied?range=24h', false);
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.waitFor();
    await form.getByLabel('User name').fill(ADMIN.username);
    await form.getByLabel('Password').fill('not-the-password');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await form.getByRole('alert').waitFor();
    await form.getByLabel('Password').fill(ADMIN.password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Denied traffic' }).waitFor();
    // Refused requests before signing in (the session check, the first queries, the wrong
    // password) are the only console errors allowed here.
    const refused = problems.errors.filter((e) => /status of 401/.test(e));
    expect(refused.length).toBe(problems.errors.length);
    problems.errors.length = 0;
    await shot('sign-in-then-denied');
  });

  it('overview: headline, charts, top lists, demo banner', async () => {
    await open('/?range=24h');
    await page.getByTestId('demo-banner').waitFor();
    await page.getByTestId('headline').waitFor();
    await page.locator('[data-testid="overview-denied-chart"] canvas').waitFor();
    await expect(
      page.getByRole('heading', { name: 'Top denied sources' }).isVisible(),
    ).resolves.toBe(true);
    expect(await page.getByTestId('headline').innerText()).toMatch(/Denied[\s\S]*flows/);
    await shot('overview');
  });

  it('time picker and URL round-trip', async () => {
    await open('/denied');
    await page.getByRole('radio', { name: '7d' }).click();
    await page.waitForURL(/range=7d/);
    await page.getByRole('radio', { name: '7d', checked: true }).waitFor();
    await page.reload();
    await page.getByRole('radio', { name: '7d', checked: true }).waitFor();
    // Custom range: absolute from/to in the URL.
    await page.getByRole('radio', { name: 'custom' }).click();
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/from=\d+&to=\d+|to=\d+.*from=\d+/);
    await page.getByRole('radio', { name: 'custom', checked: true }).waitFor();
  });

  it('denied traffic: an alert link naming a workload shows only its connections', async () => {
    await open('/denied?range=24h&ns=batch&workload=report');
    await page.getByTestId('workload-filter').waitFor();
    const rows = page.getByRole('table', { name: 'Denied connections' }).getByRole('row');
    await rows.filter({ hasText: 'batch/report' }).first().waitFor();
    // The first row is the header; every data row involves the named workload.
    const body = (await rows.allInnerTexts()).slice(1);
    expect(body.length).toBeGreaterThan(0);
    for (const t of body) expect(t).toMatch(/report/);
    await page.getByRole('button', { name: 'Show all' }).click();
    await page.waitForURL((u) => !u.searchParams.has('workload'));
  });

  it('denied traffic: reference panels, groups, drill-down drawer, shareable URL', async () => {
    await open('/denied?range=24h');
    await page.locator('[data-testid="denied-ingress"] canvas').waitFor();
    await page.locator('[data-testid="denied-ingress"] table.legend tr.drop').first().waitFor();
    const row = page.getByRole('row').filter({ hasText: 'batch/report' }).first();
    await row.click();
    await page.waitForURL(/group=/);
    const drawer = page.getByRole('dialog', { name: 'Denied connection' });
    await drawer.waitFor();
    await drawer.getByText('payments/db', { exact: false }).first().waitFor();
    await drawer.getByRole('table', { name: 'Raw events' }).waitFor();
    const why = await drawer.getByTestId('explanation').innerText();
    expect(why).toMatch(/Denied at ingress of payments\/db/);
    expect(why).toMatch(/payments\/default-deny|payments\/allow-db-clients/);
    // The suggested fix, as YAML, with its blast radius.
    const fix = await drawer.getByTestId('fix').innerText();
    expect(fix).toMatch(/kind: NetworkPolicy/);
    expect(fix).toMatch(/Blast radius/);
    await shot('denied-drawer');
    // The drawer survives a reload: the URL holds the selection.
    await page.reload();
    await page.getByRole('dialog', { name: 'Denied connection' }).waitFor();
    await page.keyboard.press('Escape');
    await page.waitForURL((u) => !u.searchParams.has('group'));
    await shot('denied');
    // Keyboard: focus the rows, move down, open with Enter.
    await page.getByRole('rowgroup', { name: /Denied connections rows/ }).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForURL(/group=/);
    await page.getByRole('dialog', { name: 'Denied connection' }).waitFor();
  });

  it('dark theme applies and is remembered', async () => {
    await open('/?range=24h');
    await page.getByTestId('headline').waitFor();
    const before = await page.locator('html').getAttribute('data-theme');
    await page.getByRole('button', { name: /Switch to (dark|light) theme/ }).click();
    const after = await page.locator('html').getAttribute('data-theme');
    expect(after).not.toBe(before);
    expect(['light', 'dark']).toContain(after);
    await page.reload();
    await page.getByTestId('headline').waitFor();
    expect(await page.locator('html').getAttribute('data-theme')).toBe(after);
    await page.locator('[data-testid="overview-denied-chart"] canvas').waitFor();
    await shot('overview-theme-toggled');
  });

  it('allowed traffic: panels, volume vs usual, external egress', async () => {
    await open('/allowed?range=24h');
    await page.locator('[data-testid="allowed-egress"] canvas').waitFor();
    await page.getByTestId('allowed-volume').getByRole('row').nth(1).waitFor();
    await page.getByTestId('external-egress').getByText('payment-gateway').waitFor();
    expect(await page.getByTestId('allowed-volume').innerText()).toMatch(/bytes/);
    await shot('allowed');
  });

  it('flow explorer: filter, URL round-trip, detail, export', async () => {
    await open('/flows?range=24h');
    await page.getByRole('table', { name: 'Flows' }).waitFor();
    await page.getByLabel('Port', { exact: true }).fill('5432');
    await page.locator('input[name="verdict-denied"]').check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/port=5432/);
    await page.waitForURL(/verdict=denied/);
    const rows = page.getByRole('table', { name: 'Flows' }).getByRole('row');
    // Wait until the table shows the filtered result (the previous one stays while loading).
    const body = page
      .getByRole('table', { name: 'Flows' })
      .locator('[role="rowgroup"] [role="row"]');
    await expect
      .poll(async () => {
        const t = await body.allInnerTexts();
        return t.length > 0 && t.every((x) => x.includes('denied'));
      })
      .toBe(true);
    const texts = await body.allInnerTexts();
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) {
      expect(t).toContain('5432/TCP');
      expect(t).toContain('denied');
    }
    await page.reload();
    await expect(page.getByLabel('Port', { exact: true }).inputValue()).resolves.toBe('5432');
    await rows.nth(1).click();
    await page.getByRole('dialog', { name: 'Flow' }).waitFor();
    await shot('flows');
    await page.keyboard.press('Escape');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-csv').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^flows-.*\.csv$/);
  });

  it('service map: denied edges stand out, an edge opens its flows', async () => {
    await open('/map?range=24h');
    await page.getByTestId('service-map').waitFor();
    const denied = page.getByTestId('edge-denied');
    expect(await denied.count()).toBeGreaterThan(0);
    await shot('service-map');
    // Edges are keyboard-reachable: focus one and press Enter.
    await denied.first().focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(/edge=/);
    await page
      .getByRole('dialog', { name: 'Connection' })
      .getByRole('table', { name: 'Edge flows' })
      .waitFor();
  });

  it('policies: coverage per namespace, policy detail, test a connection', async () => {
    await open('/policies');
    await page.getByRole('region', { name: 'Namespace payments' }).waitFor();
    // dev-sandbox and others have no ingress policy: they show as not isolated.
    await page
      .getByRole('region', { name: 'Namespace frontend' })
      .getByText('Not isolated')
      .waitFor();
    await page.getByLabel('From', { exact: true }).fill('batch/report');
    await page.getByLabel('To', { exact: true }).fill('payments/db');
    await page.getByLabel('Port', { exact: true }).fill('5432');
    await page.getByRole('button', { name: 'Test' }).click();
    const result = await page.getByTestId('test-result').innerText();
    expect(result).toMatch(/^Denied/);
    expect(result).toMatch(/ingress: payments\/(default-deny|allow-db-clients)/);
    await page.waitForURL(/tfrom=batch/);
    await page
      .getByRole('region', { name: 'Namespace payments' })
      .getByRole('button', { name: 'allow-db-clients' })
      .click();
    const drawer = page.getByRole('dialog', { name: /Policy payments\/allow-db-clients/ });
    await drawer.getByText('kind: NetworkPolicy').waitFor();
    await shot('policies');
  });

  it('XSS fixture renders as text everywhere: tables, drawers, service map, exports', async () => {
    await open(`/flows?range=24h&pod=${encodeURIComponent(XSS_POD)}`);
    const table = page.getByRole('table', { name: 'Flows' });
    await table.getByText(XSS_POD, { exact: false }).first().waitFor();
    await table.locator('[role="rowgroup"] [role="row"]').first().click();
    const drawer = page.getByRole('dialog', { name: 'Flow' });
    await drawer.getByText(`app=${XSS_LABEL}`).waitFor();
    await drawer.getByText(`note=${FORMULA_LABEL}`).waitFor();
    expect(await page.locator('img[src="x"], script:text("alert")').count()).toBe(0);
    await shot('xss-flows');

    await page.goto(`${server.url}/map?range=24h`);
    await page.getByTestId('service-map').waitFor();
    const label = page.locator('svg text.node-label', { hasText: '<img src=x' });
    expect(await label.count()).toBeGreaterThan(0);
    expect(await page.locator('svg img, svg foreignObject').count()).toBe(0);

    await page.goto(`${server.url}/denied?range=24h`);
    await page.getByRole('row').filter({ hasText: XSS_POD }).first().waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    const q = `from=${NOW - 86_400_000}&to=${NOW}&pod=${encodeURIComponent(XSS_POD)}`;
    const csv = await (
      await page.request.get(`${server.url}/api/v1/dashboard/flows/export?${q}&format=csv`)
    ).text();
    expect(csv).toContain(XSS_POD);
    const nd = await (
      await page.request.get(`${server.url}/api/v1/dashboard/flows/export?${q}&format=ndjson`)
    ).text();
    const first = JSON.parse(nd.split('\n')[0] ?? '{}') as {
      src: { pod: string; labels: Record<string, string> };
    };
    expect(first.src.pod).toBe(XSS_POD);
    expect(first.src.labels.note).toBe(FORMULA_LABEL);
    // No CSV cell may start with a formula character, whatever the label says.
    for (const line of csv.split('\r\n').slice(1)) {
      expect(line).not.toMatch(/(^|,)"?[=+\-@]/);
    }
  });
});
