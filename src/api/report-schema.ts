/**
 * Zod schemas of the reports API (`/api/v1/reports`) and the report data model (the JSON
 * format of a report). Shared with the web UI.
 */
import { z } from 'zod';

import { REPORT_FORMATS, REPORT_KINDS } from '../domain/compliance/period.js';
import { ComplianceResponseSchema, EvidenceTableSchema } from './compliance-schema.js';

export { REPORT_FORMATS, REPORT_KINDS };

export const GenerateReportSchema = z.strictObject({
  kind: z.enum(REPORT_KINDS),
  period: z.string().min(1).max(20),
  format: z.enum(REPORT_FORMATS),
  cluster: z.string().min(1).max(253).optional(),
  namespace: z.array(z.string().min(1).max(253)).max(200).optional(),
  /** The reviewer's conclusions and actions (annual evaluation); blank lines are printed when absent. */
  conclusions: z.string().max(20_000).optional(),
  signedBy: z.string().min(1).max(200).optional(),
  /** `document` (default): the file itself; `record`: JSON with the id to download later. */
  respond: z.enum(['document', 'record']).optional(),
});
export type GenerateReport = z.infer<typeof GenerateReportSchema>;

export const IssuedReportSchema = z.object({
  id: z.string(),
  kind: z.enum(REPORT_KINDS),
  period: z.string(),
  format: z.enum(REPORT_FORMATS),
  scope: z.object({ cluster: z.string().nullable(), namespaces: z.array(z.string()).nullable() }),
  sha256: z.string(),
  sizeBytes: z.number(),
  issuedBy: z.string(),
  issuedAt: z.number(),
  auditSeq: z.number().nullable(),
  fileName: z.string(),
});
export type IssuedReportView = z.infer<typeof IssuedReportSchema>;

export const ReportListSchema = z.object({ reports: z.array(IssuedReportSchema) });
export type ReportList = z.infer<typeof ReportListSchema>;

export const VerifyVerdictSchema = z.object({
  verified: z.boolean(),
  sha256: z.string(),
  /** The matching issue record(s) when the hash is known. */
  reports: z.array(IssuedReportSchema),
  auditChain: z.object({ ok: z.boolean(), entries: z.number(), reason: z.string().nullable() }),
  /** Whether the `report.issue` audit entry names this hash. */
  auditEntryFound: z.boolean(),
  reason: z.string().nullable(),
});
export type VerifyVerdict = z.infer<typeof VerifyVerdictSchema>;

export const ReportSectionSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** Paragraphs of plain text (escaped when rendered). */
  text: z.array(z.string()),
  tables: z.array(EvidenceTableSchema),
  /** Evidence that could not be given, with the reason. */
  gaps: z.array(z.string()),
});
export type ReportSection = z.infer<typeof ReportSectionSchema>;

const counters = z.object({
  flows: z.number().nullable(),
  packets: z.number().nullable(),
  bytes: z.number().nullable(),
});

/** The full data model of a report: what `--format json` writes and HTML, PDF, CSV render. */
export const ReportDataSchema = z.object({
  schema: z.literal('netsec-report/1'),
  kind: z.enum(REPORT_KINDS),
  title: z.string(),
  period: z.object({ label: z.string(), from: z.number(), to: z.number() }),
  generatedAt: z.number(),
  generatedBy: z.string(),
  signedBy: z.string().nullable(),
  scope: z.object({
    cluster: z.string().nullable(),
    namespaces: z.array(z.string()).nullable(),
    /** True when the issuer's own access scope limited the report (a developer). */
    restrictedToCaller: z.boolean(),
  }),
  totals: z.object({ denied: counters, allowed: counters, audit: counters }),
  sections: z.array(ReportSectionSchema),
  compliance: ComplianceResponseSchema,
  /** The reviewer's conclusions and actions, or null: printed blank with lines to fill in. */
  conclusions: z.string().nullable(),
});
export type ReportData = z.infer<typeof ReportDataSchema>;
