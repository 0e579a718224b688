/**
 * PDF from the report's HTML, printed by Chromium through playwright-core. The page is loaded
 * with `setContent` and every network request is refused, so the PDF holds exactly the HTML.
 */
import { existsSync } from 'node:fs';

import type { chromium as ChromiumType } from 'playwright-core';

export class PdfUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PdfUnavailableError';
  }
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why PDF cannot be made here, or null when it can. */
export function pdfUnavailable(chromiumPath: string): string | null {
  if (!existsSync(chromiumPath))
    return `PDF output needs Chromium at ${chromiumPath} (install Debian's chromium package, or set reports.chromiumPath); use --format html and print it instead`;
  return null;
}

/** @example const pdf = await renderPdf(html, '/usr/bin/chromium') */
export async function renderPdf(html: string, chromiumPath: string): Promise<Uint8Array> {
  const why = pdfUnavailable(chromiumPath);
  if (why) throw new PdfUnavailableError(why);
  let chromium: typeof ChromiumType;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new PdfUnavailableError(
      'PDF output needs the playwright-core package, which is not installed; use --format html',
    );
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    const pdf = await page.pdf({
      format: 'A4',
      printBackground: true,
      preferCSSPageSize: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate:
        '<div style="font-size:7pt;width:100%;text-align:center;color:#555"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
    });
    return new Uint8Array(pdf);
  } finally {
    await browser.close();
  }
}
