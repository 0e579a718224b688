import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { type ReportData, ReportDataSchema } from '../../api/report-schema.js';
import { HOUR_MS } from '../../domain/time.js';
import { externalEndpoint, makeFlow } from '../../testing/flow-factory.js';
import { type ReportTestEnv, reportTestEnv } from '../../testing/report-fixtures.js';
import { reportStoreFor } from '../compliance/stores.js';
import { reviewStoreFor } from '../review/review-store-for.js';
import { issueReport, verifyReport } from './report-issue.js';

const NOW = Date.UTC(2026, 10, 26, 12);
const DAY = Date.UTC(2026, 10, 25);
const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';
const ADMIN = { name: 'alice', namespaces: null };

let env: ReportTestEnv | undefined;
afterEach(async () => env?.close());

async function seeded(): Promise<ReportTestEnv> {
  const e = await reportTestEnv({ now: NOW });
  await e.write([
    makeFlow({ time: DAY + HOUR_MS, flows: 4, packets: 8 }),
    makeFlow({
      time: DAY + 2 * HOUR_MS,
      flows: 6,
      packets: 12,
      src: { pod: HOSTILE, workload: { kind: 'Deployment', name: HOSTILE } },
    }),
    makeFlow({
      time: DAY + 3 * HOUR_MS,
      verdict: 'allowed',
      reason: 'allowed-by-policy',
      src: externalEndpoint('198.51.100.7'),
      flows: 10,
      packets: 30,
      bytes: 4000,
    }),
    makeFlow({
      time: DAY + 3 * HOUR_MS,
      flows: 100,
      src: { namespace: 'other', workload: { kind: 'Deployment', name: 'a' } },
      dst: { namespace: 'elsewhere', workload: { kind: 'Deployment', name: 'b' } },
    }),
  ]);
  return e;
}

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('reports', () => {
  it('JSON figures equal the sums of the flows written', async () => {
    env = await seeded();
    const [doc] = await issueReport(env.ctx, {
      kind: 'daily',
      period: '2026-11-25',
      format: 'json',
      issuer: ADMIN,
    });
    const data = ReportDataSchema.parse(JSON.parse(text(doc!.content)));
    expect(data.totals.denied.flows).toBe(4 + 6 + 100);
    expect(data.totals.denied.packets).toBe(8 + 12);
    expect(data.totals.allowed).toEqual({ flows: 10, packets: 30, bytes: 4000 });
    const ext = data.sections.find((s) => s.id === 'external-access')?.tables[0];
    expect(ext?.rows).toEqual([['2026-11', 0, 10, 0, 0]]);
    expect(data.conclusions).toBeNull();
    expect(data.sections.map((s) => s.id)).toContain('top-violations');
  });

  it('escapes a hostile pod name in the HTML and stays self-contained', async () => {
    env = await seeded();
    const [doc] = await issueReport(env.ctx, {
      kind: 'monthly',
      period: '2026-11',
      format: 'html',
      issuer: ADMIN,
    });
    const html = text(doc!.content);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script|<img/i);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).toContain('Conclusions and actions');
    expect(html).toContain('class="fill"');
  });

  it('prints the conclusions when given, and the developer scope on the cover', async () => {
    env = await seeded();
    const [doc] = await issueReport(env.ctx, {
      kind: 'annual',
      period: '2026',
      format: 'json',
      conclusions: 'Segregation holds. <b>Action</b>: isolate shop.',
      issuer: { name: 'devon', namespaces: ['shop'] },
    });
    const data = JSON.parse(text(doc!.content)) as ReportData;
    expect(data.scope).toEqual({ cluster: null, namespaces: ['shop'], restrictedToCaller: true });
    // The 100 flows between other namespaces are not the developer's.
    expect(data.totals.denied.flows).toBe(10);
    expect(data.conclusions).toMatch(/Segregation holds/);
    const [html] = await issueReport(env.ctx, {
      kind: 'annual',
      period: '2026',
      format: 'html',
      namespaces: ['shop', 'payments', 'elsewhere'],
      issuer: { name: 'devon', namespaces: ['shop'] },
    });
    expect(text(html!.content)).toMatch(/limited to the namespaces its issuer may see \(shop\)/);
    expect(html!.record.scope.namespaces).toEqual(['shop']);
  });

  it('records every issued hash in the audit log and verifies it; rejects a modified file', async () => {
    env = await seeded();
    const [doc] = await issueReport(env.ctx, {
      kind: 'daily',
      period: '2026-11-25',
      format: 'html',
      issuer: ADMIN,
    });
    const entries = await env.ctx.audit.query({ action: 'report.issue' });
    expect(entries).toHaveLength(1);
    expect(JSON.parse(entries[0]!.details)).toMatchObject({
      kind: 'daily',
      period: '2026-11-25',
      format: 'html',
      sha256: doc!.record.sha256,
    });
    const ok = await verifyReport(env.ctx, doc!.content);
    expect(ok).toMatchObject({ verified: true, auditEntryFound: true, reason: null });
    expect(ok.reports[0]?.issuedBy).toBe('alice');
    const tampered = new TextEncoder().encode(text(doc!.content).replace('Daily', 'Dai1y'));
    const bad = await verifyReport(env.ctx, tampered);
    expect(bad.verified).toBe(false);
    expect(bad.reason).toMatch(/unknown hash/);
    expect(await reportStoreFor(env.ctx.store).getDocument(doc!.record.id)).toEqual(doc!.content);
  });

  it('writes one formula-safe CSV per table, each recorded', async () => {
    env = await reportTestEnv({ now: NOW });
    await env.write([
      makeFlow({
        time: DAY,
        src: { namespace: null, workload: { kind: 'Deployment', name: '=HYPERLINK("x")' } },
      }),
    ]);
    const docs = await issueReport(env.ctx, {
      kind: 'daily',
      period: '2026-11-25',
      format: 'csv',
      issuer: ADMIN,
    });
    expect(docs.length).toBeGreaterThan(5);
    expect(new Set(docs.map((d) => d.record.sha256)).size).toBe(docs.length);
    const top = docs.find((d) => d.record.fileName.endsWith('top-violations-top-violations.csv'));
    expect(text(top!.content)).toContain(`"'=HYPERLINK(""x"")"`);
    expect(text(top!.content)).not.toMatch(/(^|,)=HYPERLINK/m);
    expect((await verifyReport(env.ctx, top!.content)).verified).toBe(true);
  });

  it("lists the day's review items and decisions in the daily report, escaped, in scope", async () => {
    env = await seeded();
    const reviews = reviewStoreFor(env.ctx.store);
    await reviews.createReview({
      id: 'r1',
      cluster: 'prod-eu1',
      scope: null,
      status: 'open',
      periodStart: DAY - 86_400_000,
      startedAt: DAY + 8 * HOUR_MS,
      startedBy: 'sec',
      signedOffAt: null,
      signedOffBy: null,
      note: null,
      itemsLeft: [],
      snapshot: null,
    });
    const item = (key: string, namespace: string, title: string) => ({
      key,
      kind: 'coverage' as const,
      cluster: 'prod-eu1',
      namespace,
      peerNamespace: null,
      workload: 'web',
      severity: 'medium' as const,
      title,
      detail: '',
      findingId: null,
      findingKey: null,
      findingType: null,
      state: null,
      start: DAY,
      end: DAY + HOUR_MS,
    });
    await reviews.signOff('r1', {
      at: DAY + 9 * HOUR_MS,
      by: 'sec',
      note: 'all seen',
      itemsLeft: [],
      snapshot: null,
      items: [
        {
          item: item('coverage:shop/web:ingress', 'shop', HOSTILE),
          disposition: {
            key: 'coverage:shop/web:ingress',
            disposition: 'misconfiguration',
            reason: 'owners notified',
            actor: 'sec',
            at: DAY + 9 * HOUR_MS,
            incidentId: null,
            suppressionId: null,
          },
          suppressionId: null,
        },
        {
          item: item('coverage:other/x:ingress', 'other', 'other team'),
          disposition: null,
          suppressionId: null,
        },
      ],
    });
    const [doc] = await issueReport(env.ctx, {
      kind: 'daily',
      period: '2026-11-25',
      format: 'json',
      issuer: ADMIN,
    });
    const data = JSON.parse(text(doc!.content)) as ReportData;
    const sec = data.sections.find((s) => s.id === 'review-items');
    expect(sec?.tables[0]?.rows.map((r) => [r[2], r[5]]).sort()).toEqual([
      ['other', 'undecided'],
      ['shop', 'misconfiguration'],
    ]);
    const [mine] = await issueReport(env.ctx, {
      kind: 'daily',
      period: '2026-11-25',
      format: 'html',
      issuer: { name: 'devon', namespaces: ['shop'] },
    });
    const html = text(mine!.content);
    expect(html).toContain('Reviews of the day');
    expect(html).toContain('&lt;script&gt;alert(1)');
    expect(html).not.toContain('other team');
  });

  it('names a bad period and the form expected', async () => {
    env = await reportTestEnv({ now: NOW });
    await expect(
      issueReport(env.ctx, { kind: 'monthly', period: '2026-1', format: 'json', issuer: ADMIN }),
    ).rejects.toThrow(/"2026-1".*YYYY-MM/);
  });
});

const NO_PDF = !existsSync('/usr/bin/chromium')
  ? 'Chromium not found at /usr/bin/chromium'
  : !existsSync('/usr/bin/pdftoppm')
    ? 'pdftoppm not found (install poppler-utils)'
    : null;

describe.skipIf(NO_PDF !== null)(`PDF report${NO_PDF ? ` (skipped: ${NO_PDF})` : ''}`, () => {
  it('renders through Chromium: pages rasterise and every section title is present', async () => {
    env = await seeded();
    const [doc] = await issueReport(env.ctx, {
      kind: 'annual',
      period: '2026',
      format: 'pdf',
      issuer: ADMIN,
    });
    const dir = mkdtempSync(join(tmpdir(), 'netsec-pdf-'));
    try {
      const pdf = join(dir, 'r.pdf');
      writeFileSync(pdf, doc!.content);
      expect(text(doc!.content.slice(0, 5))).toBe('%PDF-');
      execFileSync('pdftoppm', ['-png', '-r', '30', pdf, join(dir, 'page')]);
      const pages = execFileSync('ls', [dir])
        .toString()
        .split('\n')
        .filter((f) => f.endsWith('.png'));
      expect(pages.length).toBeGreaterThanOrEqual(3);
      const png = readFileSync(join(dir, pages[0]!));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      const body = execFileSync('pdftotext', ['-layout', pdf, '-']).toString();
      for (const title of [
        'Annual evaluation of protection against unauthorised network access',
        'Protection against internal unauthorised access',
        'Protection against external unauthorised access',
        'Denied and allowed traffic per month',
        'Top violations',
        'Findings and incidents with their outcomes',
        'Review completion',
        'Coverage over time and policy changes',
        'Data completeness and retention',
        'Conclusions and actions',
      ])
        expect(body.replace(/\s+/g, ' '), title).toContain(title);
      expect((await verifyReport(env.ctx, doc!.content)).verified).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
