/**
 * `GET /api/v1/dashboard/...`: the dashboard's read API. Routes are thin: validate with the
 * zod schemas of src/api, resolve the caller's scope, call a service, reply.
 */
import { Readable } from 'node:stream';

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
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
import {
  alignWindow,
  cacheKey,
  lifetimeFor,
  ResponseCache,
} from '../services/dashboard/response-cache.js';

export interface DashboardRouteDeps extends DashboardDeps {
  /**
   * The caller's namespace scope, once access control exists (developers see only their
   * namespaces). Absent: every caller sees everything.
   */
  scopeOf?: (req: FastifyRequest) => AccessScope | undefined;
  /** The short-lived answer cache of the aggregate views (docs/dashboard.md#answer-cache). */
  cache?: DashboardCacheOptions;
}

export interface DashboardCacheOptions {
  /** Entry lifetime in ms; 0 (default) disables. The server passes `server.answerCacheMs`. */
  ttlMs?: number;
  /** Most entries. Default 500. */
  maxEntries?: number;
  /** Subscribes to ingest commits (`services.ingest.onCommit`): they invalidate the cache. */
  onCommit?: (listener: () => void) => () => void;
  /** Where `netsec_dashboard_cache_requests_total{result}` is registered. */
  registry?: Registry;
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

/** A cached answer: its JSON text and when it was computed. */
interface CachedAnswer {
  json: string;
  at: number;
}

/** Registers the dashboard API on `app`. */
export function registerDashboardRoutes(app: FastifyInstance, deps: DashboardRouteDeps): void {
  const scope = (req: FastifyRequest): AccessScope | undefined => deps.scopeOf?.(req);
  const p = DASHBOARD_PREFIX;
  const ttlMs = deps.cache?.ttlMs ?? 0;
  const lookups = deps.cache?.registry
    ? new Counter({
        name: 'netsec_dashboard_cache_requests_total',
        help: 'Dashboard answers by how the cache gave them: hit, stale (served while refreshing) or miss (computed).',
        labelNames: ['result'] as const,
        registers: [deps.cache.registry],
      })
    : null;
  const cache = new ResponseCache({
    ...(lookups ? { onLookup: (result) => lookups.inc({ result }) } : {}),
    ttlMs,
    // Sustained ingest invalidates the cache at most once per lifetime
    // (docs/dashboard.md#answer-cache).
    invalidateEveryMs: ttlMs,
    ...(deps.cache?.maxEntries !== undefined ? { maxEntries: deps.cache.maxEntries } : {}),
    now: deps.now,
  });
  const unsubscribe = deps.cache?.onCommit?.(() => cache.dataChanged());
  app.addHook('onClose', async () => {
    unsubscribe?.();
    cache.close();
  });
  /**
   * Answers an aggregate view through the cache. The key holds the caller's scope (namespaces,
   * pseudonymisation, role) so no answer crosses scopes. The window is aligned up to the
   * answer's lifetime so that callers asking within the same moment share an entry; a window
   * that ends now ("the last hour") is keyed by its length, not its position, and served stale
   * while it refreshes. An aggregate over a long window lives longer (`lifetimeFor`: 30 s for a
   * day); `perWindow: false` keeps the TTL (the flow explorer's newest events).
   */
  async function cached<Q extends { from: number; to: number }, R>(
    route: string,
    req: FastifyRequest,
    reply: FastifyReply,
    query: Q,
    load: (q: Q, s: AccessScope | undefined) => Promise<R>,
    perWindow = true,
  ): Promise<R | FastifyReply> {
    const s = scope(req);
    if (!cache.enabled) return load(query, s);
    const life = perWindow ? lifetimeFor(query.to - query.from, ttlMs) : ttlMs;
    const q = alignWindow(query, life);
    const principal = req.principal;
    const who = {
      namespaces: s?.namespaces ?? null,
      pseudonymise: principal?.pseudonymise ?? false,
      role: principal?.role ?? null,
    };
    // The cache holds the answer as JSON text (a hit costs no serialisation) and when it was
    // computed, sent as `Age`.
    const text = (): Promise<CachedAnswer> =>
      load(q, s).then((r) => ({ json: JSON.stringify(r), at: deps.now() }));
    const live = Math.abs(query.to - deps.now()) <= life;
    const answer = live
      ? await cache.getLive(
          cacheKey(
            `live:${route}`,
            { ...q, from: undefined, to: undefined, span: q.to - q.from },
            who,
          ),
          q.to,
          text,
          life,
        )
      : await cache.get(cacheKey(route, q, who), text, life);
    return reply
      .type('application/json; charset=utf-8')
      .header('age', String(Math.max(0, Math.floor((deps.now() - answer.at) / 1000))))
      .send(answer.json);
  }

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
    api.get(`${p}/overview`, async (req, reply) =>
      cached('overview', req, reply, parse(ScopeQuerySchema, req.query), (q, s) =>
        getOverview(deps, q, s),
      ),
    );
    api.get(`${p}/timeseries`, async (req, reply) =>
      cached('timeseries', req, reply, parse(TimeSeriesQuerySchema, req.query), (q, s) =>
        getTimeSeries(deps, q, s),
      ),
    );
    api.get(`${p}/denied`, async (req, reply) =>
      cached('denied', req, reply, parse(DeniedGroupsQuerySchema, req.query), (q, s) =>
        getDeniedGroups(deps, q, s),
      ),
    );
    api.get(`${p}/denied/detail`, async (req) =>
      getDeniedDetail(deps, parse(DeniedDetailQuerySchema, req.query), scope(req)),
    );
    api.get(`${p}/allowed/volume`, async (req, reply) =>
      cached('allowed/volume', req, reply, parse(ScopeQuerySchema, req.query), async (q, s) => {
        const r = await allowedVolume(deps, q, s);
        return { rows: r.rows.sort(byChange).slice(0, 500), baselineFrom: r.baselineFrom };
      }),
    );
    api.get(`${p}/allowed/external`, async (req, reply) =>
      cached('allowed/external', req, reply, parse(ScopeQuerySchema, req.query), (q, s) =>
        getExternalEgress(deps, q, s),
      ),
    );
    api.get(`${p}/service-map`, async (req, reply) =>
      cached('service-map', req, reply, parse(ScopeQuerySchema, req.query), (q, s) =>
        getServiceMap(deps, q, s),
      ),
    );
    api.get(`${p}/service-map/edge`, async (req) =>
      getEdgeFlows(deps, parse(EdgeFlowsQuerySchema, req.query), scope(req)),
    );
    api.get(`${p}/flows`, async (req, reply) => {
      const q = parse(FlowPageQuerySchema, req.query);
      // Only first pages: a cursor names a position in one answer, not in a moving window.
      const { from, to } = q;
      if (q.cursor || from === undefined || to === undefined) {
        return getFlowPage(deps, q, scope(req));
      }
      return cached(
        'flows',
        req,
        reply,
        { ...q, from, to },
        (qq, s) => getFlowPage(deps, qq, s),
        false,
      );
    });
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
