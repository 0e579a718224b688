/**
 * Issuing and verifying reports. Each issued document's SHA-256 goes into the audit log
 * (action `report.issue`) and the report store with its kind, period, format and scope;
 * verification recomputes the hash, finds the record and the audit entry, and checks the chain.
 */
import { createHash, randomUUID } from 'node:crypto';

import { resolveReportSettings } from '../../api/report-config-schema.js';
import type { ReportData, VerifyVerdict } from '../../api/report-schema.js';
import { parsePeriod, type ReportFormat, type ReportKind } from '../../domain/compliance/period.js';
import type { IssuedReport } from '../../store/report-store.js';
import { reportStoreFor } from '../compliance/stores.js';
import type { GovernanceContext } from '../governance-context.js';
import { reportCsvFiles } from './report-csv.js';
import { renderReportHtml } from './report-html.js';
import { buildReport, effectiveNamespaces } from './report-model.js';
import { renderPdf } from './report-pdf.js';

export interface IssueRequest {
  kind: ReportKind;
  /** `2026-11-25`, `2026-11` or `2026`; a bad value throws PeriodError naming it. */
  period: string;
  format: ReportFormat;
  cluster?: string | null;
  namespaces?: string[] | null;
  conclusions?: string | null;
  signedBy?: string | null;
  /** The issuer: name and namespace scope (null = all). */
  issuer: { name: string; namespaces: readonly string[] | null };
  ip?: string | null;
  /** Progress callback (CLI on a TTY). */
  progress?: (step: string) => void;
}

export interface IssuedDocument {
  record: IssuedReport;
  content: Uint8Array;
  contentType: string;
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

export function sha256Hex(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Renders the documents of a report: one, or one per table for CSV. */
async function render(
  ctx: GovernanceContext,
  data: ReportData,
  format: ReportFormat,
): Promise<{ name: string; content: Uint8Array }[]> {
  const settings = resolveReportSettings(ctx.config.reports);
  const base = `netsec-${data.kind}-${data.period.label}${data.scope.cluster ? `-${data.scope.cluster.replace(/[^A-Za-z0-9._-]/g, '_')}` : ''}`;
  switch (format) {
    case 'json':
      return [{ name: `${base}.json`, content: utf8(`${JSON.stringify(data, null, 2)}\n`) }];
    case 'html':
      return [
        { name: `${base}.html`, content: utf8(renderReportHtml(data, settings.organisation)) },
      ];
    case 'pdf':
      return [
        {
          name: `${base}.pdf`,
          content: await renderPdf(
            renderReportHtml(data, settings.organisation),
            settings.chromiumPath,
          ),
        },
      ];
    case 'csv':
      return reportCsvFiles(data).map((f) => ({
        name: `${base}-${f.name}`,
        content: utf8(f.content),
      }));
  }
}

/**
 * Builds, renders and records a report. CSV gives one document per table, each recorded.
 * @example const [doc] = await issueReport(ctx, { kind: 'annual', period: '2026', format: 'html', issuer })
 */
export async function issueReport(
  ctx: GovernanceContext,
  req: IssueRequest,
): Promise<IssuedDocument[]> {
  const period = parsePeriod(req.kind, req.period);
  req.progress?.('collecting evidence');
  const reportReq = {
    period,
    cluster: req.cluster ?? null,
    namespaces: req.namespaces && req.namespaces.length ? req.namespaces : null,
    conclusions: req.conclusions ?? null,
    signedBy: req.signedBy ?? null,
    issuer: req.issuer.name,
    issuerScope: req.issuer.namespaces,
  };
  const data = await buildReport(ctx, reportReq);
  req.progress?.(`rendering ${req.format}`);
  const docs = await render(ctx, data, req.format);
  req.progress?.('recording the hash');
  const store = reportStoreFor(ctx.store);
  const scope = { cluster: reportReq.cluster, namespaces: effectiveNamespaces(reportReq) };
  const out: IssuedDocument[] = [];
  for (const d of docs) {
    const sha256 = sha256Hex(d.content);
    const id = randomUUID();
    const audit = await ctx.audit.record({
      actor: req.issuer.name,
      action: 'report.issue',
      target: id,
      ip: req.ip ?? null,
      details: {
        kind: req.kind,
        period: period.label,
        format: req.format,
        scope,
        sha256,
        file: d.name,
      },
    });
    const record: IssuedReport = {
      id,
      kind: req.kind,
      period: period.label,
      format: req.format,
      scope,
      sha256,
      sizeBytes: d.content.byteLength,
      issuedBy: req.issuer.name,
      issuedAt: ctx.now(),
      auditSeq: audit.seq,
      fileName: d.name,
    };
    await store.recordIssued(record, d.content);
    out.push({ record, content: d.content, contentType: CONTENT_TYPES[req.format] });
  }
  return out;
}

/** Checks a document: known hash, its audit entry, and the whole audit chain. */
export async function verifyReport(
  ctx: GovernanceContext,
  content: Uint8Array,
): Promise<VerifyVerdict> {
  const sha256 = sha256Hex(content);
  const reports = await reportStoreFor(ctx.store).findByHash(sha256);
  const chain = await ctx.audit.verify();
  const auditChain = {
    ok: chain.ok,
    entries: chain.entries,
    reason: chain.ok ? null : `entry #${chain.firstBad?.seq}: ${chain.firstBad?.reason}`,
  };
  let auditEntryFound = false;
  for (const r of reports) {
    if (r.auditSeq === null) continue;
    const [entry] = await ctx.audit.query({
      action: 'report.issue',
      before: r.auditSeq + 1,
      limit: 1,
    });
    if (entry?.seq === r.auditSeq && entry.target === r.id && entry.details.includes(sha256))
      auditEntryFound = true;
  }
  const reason =
    reports.length === 0
      ? 'unknown hash: the file was modified, or was not issued by this installation'
      : !auditEntryFound
        ? 'the report record has no matching report.issue audit entry'
        : !chain.ok
          ? `the audit chain does not verify (${auditChain.reason})`
          : null;
  return { verified: reason === null, sha256, reports, auditChain, auditEntryFound, reason };
}
