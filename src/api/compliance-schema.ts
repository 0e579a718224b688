/**
 * Zod schemas of the compliance API (`GET /api/v1/compliance`): every control of the catalogue
 * with its live evidence, judged met / partial / gap with the reason. Shared with the web UI.
 */
import { z } from 'zod';

import { EVIDENCE_KINDS, FRAMEWORKS } from '../domain/compliance/catalogue.js';
import { EVIDENCE_STATUSES } from '../domain/compliance/status.js';

export { EVIDENCE_KINDS, EVIDENCE_STATUSES, FRAMEWORKS };

const epochMs = z.coerce.number().int().min(0).max(8.64e15);

export const ComplianceQuerySchema = z
  .object({
    from: epochMs.optional(),
    to: epochMs.optional(),
    cluster: z.string().min(1).max(253).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: 'from must be before to',
    path: ['from'],
  });
export type ComplianceQuery = z.infer<typeof ComplianceQuerySchema>;

const cell = z.union([z.string(), z.number(), z.null()]);

/** A table of figures: the UI renders it, reports print it and export it as CSV. */
export const EvidenceTableSchema = z.object({
  id: z.string(),
  title: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(cell)),
});
export type EvidenceTable = z.infer<typeof EvidenceTableSchema>;

export const EvidenceFigureSchema = z.object({ label: z.string(), value: cell });
export type EvidenceFigure = z.infer<typeof EvidenceFigureSchema>;

export const EvidenceItemSchema = z.object({
  kind: z.enum(EVIDENCE_KINDS),
  title: z.string(),
  status: z.enum(EVIDENCE_STATUSES),
  /** One line: what the evidence shows. */
  summary: z.string(),
  /** Why it is partial or a gap; null when met. */
  reason: z.string().nullable(),
  figures: z.array(EvidenceFigureSchema),
  tables: z.array(EvidenceTableSchema),
});
export type EvidenceItem = z.infer<typeof EvidenceItemSchema>;

export const ControlEvidenceSchema = z.object({
  id: z.string(),
  framework: z.enum(FRAMEWORKS),
  clause: z.string(),
  title: z.string(),
  requirement: z.string(),
  status: z.enum(EVIDENCE_STATUSES),
  evidence: z.array(z.enum(EVIDENCE_KINDS)),
  /** The reasons of the evidence items that are not met. */
  gaps: z.array(z.string()),
});
export type ControlEvidence = z.infer<typeof ControlEvidenceSchema>;

export const ComplianceResponseSchema = z.object({
  from: z.number(),
  to: z.number(),
  cluster: z.string().nullable(),
  /** The caller's namespaces when scoped (developers); null = all. */
  namespaces: z.array(z.string()).nullable(),
  generatedAt: z.number(),
  controls: z.array(ControlEvidenceSchema),
  evidence: z.array(EvidenceItemSchema),
});
export type ComplianceResponse = z.infer<typeof ComplianceResponseSchema>;
