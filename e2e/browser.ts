/**
 * Debian's Chromium through playwright-core. When it is missing, CI (root, CI=true) must fail
 * with a clear message; elsewhere the browser tests skip with the reason.
 */
import { existsSync } from 'node:fs';

import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** null when Chromium can be used; otherwise why not. Throws in CI as root. */
export function chromiumUnavailable(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium)`;
  if (process.env.CI === 'true' && process.getuid?.() === 0) {
    throw new Error(`${reason}. CI runs as root and must run the browser tests.`);
  }
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/** Collects console errors, page errors and dialogs (an XSS payload would open one). */
export interface PageProblems {
  errors: string[];
  dialogs: string[];
}

export function watchPage(page: Page): PageProblems {
  const p: PageProblems = { errors: [], dialogs: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') p.errors.push(m.text());
  });
  page.on('pageerror', (e) => p.errors.push(String(e)));
  page.on('dialog', (d) => {
    p.dialogs.push(d.message());
    void d.dismiss();
  });
  return p;
}
