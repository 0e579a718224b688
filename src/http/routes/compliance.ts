/**
 * Routes for compliance evidence and reports (daily, monthly, annual; verify):
 * `GET /api/v1/compliance`, `POST|GET /api/v1/reports`, `GET /api/v1/reports/:id`,
 * `POST /api/v1/reports/verify`. Thin: validate, resolve the caller's scope, call a service.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import { ComplianceQuerySchema } from '../../api/compliance-schema.js';
import type { IssuedReportView as IssuedReport } from '../../api/report-schema.js';
import { GenerateReportSchema } from '../../api/report-schema.js';
import { PeriodError } from '../../domain/compliance/period.js';
import { accessScopeOf } from '../../services/auth/index.js';
import { getCompliance } from '../../services/compliance/compliance-service.js';
import { startCoverageSampler } from '../../services/compliance/coverage.js';
import { hourlyRetentionWarning } from '../../services/compliance/retention.js';
import { reportStoreFor } from '../../services/compliance/stores.js';
import type { GovernanceContext } from '../../services/governance-context.js';
import { CONTENT_TYPES, issueReport, verifyReport } from '../../services/reports/report-issue.js';
import { PdfUnavailableError } from '../../services/reports/report-pdf.js';
import { need } from '../auth/route-policy.js';

// The body limit caps the content's size.
const VerifyBodySchema = z.strictObject({ content: z.string().min(1) });
const ListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).optional() });

function issues(err: z.ZodError): string[] {
  return err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
}

function bad(reply: FastifyReply, error: string, more: string[] = []): FastifyReply {
  return reply.code(400).send({ error, issues: more });
}

/** A developer sees a report only when it was limited to namespaces all within their scope. */
function visibleTo(req: FastifyRequest, r: IssuedReport): boolean {
  const scope = accessScopeOf(req.principal)?.namespaces;
  if (!scope) return true;
  return r.scope.namespaces !== null && r.scope.namespaces.every((ns) => scope.includes(ns));
}

function attachment(name: string): string {
  return `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}

export function registerComplianceRoutes(app: FastifyInstance, ctx: GovernanceContext): void {
  const warning = hourlyRetentionWarning(ctx.config.retention.rollup1h);
  if (warning) app.log.warn(warning);
  let stopSampler: (() => void) | null = null;
  app.addHook('onReady', async () => {
    stopSampler = startCoverageSampler(ctx);
  });
  app.addHook('onClose', async () => stopSampler?.());
  const read = { config: { authz: need('flows:read') } };

  app.get('/api/v1/compliance', read, async (req, reply) => {
    const q = ComplianceQuerySchema.safeParse(req.query);
    if (!q.success) return bad(reply, 'invalid request', issues(q.error));
    const { from, to, cluster } = q.data;
    return getCompliance(
      ctx,
      {
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(cluster ? { cluster } : {}),
      },
      accessScopeOf(req.principal),
    );
  });

  app.post('/api/v1/reports', { config: { authz: need('flows:export') } }, async (req, reply) => {
    const body = GenerateReportSchema.safeParse(req.body);
    if (!body.success) return bad(reply, 'invalid request', issues(body.error));
    const b = body.data;
    const scope = accessScopeOf(req.principal)?.namespaces ?? null;
    try {
      const docs = await issueReport(ctx, {
        kind: b.kind,
        period: b.period,
        format: b.format,
        cluster: b.cluster ?? null,
        namespaces: b.namespace ?? null,
        conclusions: b.conclusions ?? null,
        signedBy: b.signedBy ?? null,
        issuer: { name: req.principal?.name ?? 'unknown', namespaces: scope },
        ip: req.ip,
      });
      const [first] = docs;
      if (b.respond === 'record' || docs.length !== 1 || !first)
        return reply.code(201).send({ reports: docs.map((d) => d.record) });
      return reply
        .code(201)
        .header('content-type', first.contentType)
        .header('content-disposition', attachment(first.record.fileName))
        .header('x-report-id', first.record.id)
        .header('x-report-sha256', first.record.sha256)
        .send(Buffer.from(first.content));
    } catch (err) {
      if (err instanceof PeriodError) return bad(reply, err.message);
      if (err instanceof PdfUnavailableError)
        return reply.code(503).send({ error: 'pdf_unavailable', message: err.message });
      throw err;
    }
  });

  app.get('/api/v1/reports', read, async (req, reply) => {
    const q = ListQuerySchema.safeParse(req.query);
    if (!q.success) return bad(reply, 'invalid request', issues(q.error));
    const all = await reportStoreFor(ctx.store).listReports({ limit: q.data.limit ?? 200 });
    return { reports: all.filter((r) => visibleTo(req, r)) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/reports/:id', read, async (req, reply) => {
    const store = reportStoreFor(ctx.store);
    const r = await store.getReport(req.params.id);
    const doc = r && visibleTo(req, r) ? await store.getDocument(r.id) : null;
    if (!r || !doc) return reply.code(404).send({ error: 'not_found', message: 'no such report' });
    return reply
      .header('content-type', CONTENT_TYPES[r.format])
      .header('content-disposition', attachment(r.fileName))
      .header('x-report-sha256', r.sha256)
      .send(Buffer.from(doc));
  });

  // Verification takes the file as base64 JSON (the UI) or as a raw body (curl --data-binary),
  // within the server's body limit (server.bodyLimitBytes, 16 MiB by default: a year's PDF
  // report is far smaller).
  const VERIFY_BODY_LIMIT = ctx.config.server.bodyLimitBytes;
  void app.register(async (sub) => {
    sub.addContentTypeParser(
      ['application/octet-stream', 'application/pdf', 'text/html', 'text/csv'],
      { parseAs: 'buffer', bodyLimit: VERIFY_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    sub.post(
      '/api/v1/reports/verify',
      { ...read, bodyLimit: VERIFY_BODY_LIMIT },
      async (req, reply) => {
        let content: Uint8Array;
        if (Buffer.isBuffer(req.body)) content = new Uint8Array(req.body);
        else {
          const b = VerifyBodySchema.safeParse(req.body);
          if (!b.success) return bad(reply, 'invalid request', issues(b.error));
          content = new Uint8Array(Buffer.from(b.data.content, 'base64'));
        }
        const v = await verifyReport(ctx, content);
        // A developer learns only whether a report of their scope verifies.
        const reports = v.reports.filter((r) => visibleTo(req, r));
        if (reports.length < v.reports.length && reports.length === 0)
          return { ...v, verified: false, reports: [], reason: 'not a report of your namespaces' };
        return { ...v, reports };
      },
    );
  });
}
