/**
 * `GET /api/v1/dashboard/...`: the dashboard's read API. Routes are thin: validate with the
 * zod schemas of src/api, resolve the caller's scope, call a service, reply.
 */
import { Readable } from 'node:stream';

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

import {
  ConnectionTestSchema,
  DeniedDetailQuerySchema,
  DeniedGroupsQuerySchema,
  EdgeFlowsQuerySchema,
  ExportQuerySchema,
  FlowPageQuerySchema,
  PoliciesQuerySchema,
  PolicyDetailQuerySchema,
  ScopeQuerySchema,
  TimeSeriesQuerySchema,
} from '../api/dashboard-schema.js';
import {
  type AccessScope,
  allowedVolume,
  byChange,
  type DashboardDeps,
  exportFlows,
  getDeniedDetail,
  getDeniedGroups,
  getEdgeFlows,
  getExternalEgress,
  getFlowPage,
  getMeta,
  getOverview,
  getPolicies,
  getPolicyDetail,
  getServiceMap,
  getTimeSeries,
  testConnection,
} from '../services/dashboard/index.js';

export interface DashboardRouteDeps extends DashboardDeps {
  /**
   * The caller's namespace scope, once access control exists (developers see only their
   * namespaces). Absent: every caller sees everything.
   */
  scopeOf?: (req: FastifyRequest) => AccessScope | undefined;
}

export const DASHBOARD_PREFIX = '/api/v1/dashboard';

class BadRequest extends Error {
  constructor(readonly issues: string[]) {
    super('invalid request');
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (!r.success) {
    throw new BadRequest(
      r.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`),
    );
  }
  return r.data;
}

/** Registers the dashboard API on `app`. */
export function registerDashboardRoutes(app: FastifyInstance, deps: DashboardRouteDeps): void {
  const scope = (req: FastifyRequest): AccessScope | undefined => deps.scopeOf?.(req);
  const p = DASHBOARD_PREFIX;

  void app.register(async (api) => {
    api.setErrorHandler((err, _req, reply: FastifyReply) => {
      if (err instanceof BadRequest) {
        return reply.code(400).send({ error: 'invalid request', issues: err.issues });
      }
      if (err instanceof Error && err.name === 'InvalidQueryError') {
        return reply.code(400).send({ error: err.message });
      }
      // Fastify's own client errors (body too large, malformed JSON) keep their 4xx status.
      const status = (err as { statusCode?: number }).statusCode;
      if (status !== undefined && status >= 400 && status < 500) {
        return reply.code(status).send({ error: (err as Error).message });
      }
      api.log.error({ err }, 'dashboard request failed');
      return reply.code(500).send({ error: 'internal error' });
    });

    api.get(`${p}/meta`, async (req) => getMeta(deps, scope(req)));
    api.get(`${p}/overview`, async (req) =>
      getOverview(deps, parse(ScopeQuerySchema, req.query), scope(req)),
    );
    api.get(`${p}/timeseries`, async (req) =>
      getTimeSeries(deps, parse(TimeSeriesQuerySchema, req.query), scope(req)),
    );
    api.get(`${p}/denied`, async (req) =>
      getDeniedGroups(deps, parse(DeniedGroupsQuerySchema, req.query), scope(req)),
    );
    api.get(`${p}/denied/detail`, async (req) =>
      getDeniedDetail(deps, parse(DeniedDetailQuerySchema, req.query), scope(req)),
    );
    api.get(`${p}/allowed/volume`, async (req) => {
      const r = await allowedVolume(deps, parse(ScopeQuerySchema, req.query), scope(req));
      return { rows: r.rows.sort(byChange).slice(0, 500), baselineFrom: r.baselineFrom };
    });
    api.get(`${p}/allowed/external`, async (req) =>
      getExternalEgress(deps, parse(ScopeQuerySchema, req.query), scope(req)),
    );
    api.get(`${p}/service-map`, async (req) =>
      getServiceMap(deps, parse(ScopeQuerySchema, req.query), scope(req)),
    );
    api.get(`${p}/service-map/edge`, async (req) =>
      getEdgeFlows(deps, parse(EdgeFlowsQuerySchema, req.query), scope(req)),
    );
    api.get(`${p}/flows`, async (req) =>
      getFlowPage(deps, parse(FlowPageQuerySchema, req.query), scope(req)),
    );
    api.get(`${p}/flows/export`, async (req, reply) => {
      const q = parse(ExportQuerySchema, req.query);
      const csv = q.format === 'csv';
      const stamp = new Date(deps.now()).toISOString().replace(/[:.]/g, '-');
      return reply
        .type(csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="flows-${stamp}.${q.format}"`)
        .header('x-content-type-options', 'nosniff')
        .send(Readable.from(exportFlows(deps, q, scope(req))));
    });
    api.get(`${p}/policies`, async (req) => {
      const q = parse(PoliciesQuerySchema, req.query);
      return getPolicies(deps, q.namespace, scope(req));
    });
    api.get(`${p}/policies/detail`, async (req, reply) => {
      const q = parse(PolicyDetailQuerySchema, req.query);
      const detail = getPolicyDetail(deps, q.namespace, q.name, scope(req));
      return detail ?? reply.code(404).send({ error: 'no such policy' });
    });
    api.post(`${p}/policies/test`, async (req, reply) => {
      const probe = parse(ConnectionTestSchema, req.body);
      if (!deps.policy) return reply.code(409).send({ error: 'no cluster model is loaded' });
      const res = testConnection(deps, probe, scope(req));
      return res ?? reply.code(404).send({ error: 'an endpoint is not in the cluster model' });
    });
  });
}
