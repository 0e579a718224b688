/** Routes for incidents: create, timeline, notify developers, quarantine, escalation; namespace owners. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

import {
  CommentBodySchema,
  CreateIncidentBodySchema,
  IncidentListQuerySchema,
  NotifyBodySchema,
  PatchIncidentBodySchema,
  QuarantineApplyBodySchema,
  QuarantinePlanBodySchema,
} from '../../api/incident-schema.js';
import { accessScopeOf } from '../../services/auth/index.js';
import type { GovernanceContext } from '../../services/governance-context.js';
import { IncidentError } from '../../services/incidents/incident-errors.js';
import { previewNotify, sendNotify } from '../../services/incidents/incident-notify.js';
import { applyQuarantine, planQuarantine } from '../../services/incidents/incident-quarantine.js';
import {
  type Actor,
  addComment,
  createIncident,
  getIncidentView,
  listIncidents,
  patchIncident,
} from '../../services/incidents/incident-service.js';
import { listOwners } from '../../services/incidents/owners-service.js';
import { need } from '../auth/route-policy.js';

const I = '/api/v1/incidents';
const READ = { config: { authz: need('flows:read') } };
const WRITE = { config: { authz: need('incidents:write') } };

class BadInput extends Error {
  constructor(readonly issues: string[]) {
    super('invalid request');
  }
}

function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input ?? {});
  if (!r.success)
    throw new BadInput(r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`));
  return r.data;
}

const actorOf = (req: FastifyRequest): Actor => ({
  name: req.principal?.name ?? 'anonymous',
  ip: req.ip,
});
const scopeOf = (req: FastifyRequest): readonly string[] | undefined =>
  accessScopeOf(req.principal)?.namespaces;
const idOf = (req: FastifyRequest): string => (req.params as { id: string }).id;

/** Wraps a handler: bad input → 400, service errors → their status, with a JSON error. */
function handle<T>(fn: (req: FastifyRequest, reply: FastifyReply) => Promise<T>) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<T | FastifyReply> => {
    try {
      return await fn(req, reply);
    } catch (err) {
      if (err instanceof BadInput)
        return reply.code(400).send({ error: err.message, issues: err.issues });
      if (err instanceof IncidentError) return reply.code(err.status).send({ error: err.message });
      throw err;
    }
  };
}

export function registerIncidentRoutes(app: FastifyInstance, ctx: GovernanceContext): void {
  app.get(
    I,
    READ,
    handle(async (req) =>
      listIncidents(ctx, parse(IncidentListQuerySchema, req.query), scopeOf(req)),
    ),
  );

  app.post(
    I,
    WRITE,
    handle(async (req, reply) => {
      const d = await createIncident(ctx, parse(CreateIncidentBodySchema, req.body), actorOf(req));
      reply.code(201);
      return { id: d.incident.id, ...(await getIncidentView(ctx, d.incident.id, undefined)) };
    }),
  );

  app.get(
    `${I}/:id`,
    READ,
    handle(async (req) => getIncidentView(ctx, idOf(req), scopeOf(req))),
  );

  app.patch(
    `${I}/:id`,
    WRITE,
    handle(async (req) =>
      patchIncident(ctx, idOf(req), parse(PatchIncidentBodySchema, req.body), actorOf(req)),
    ),
  );

  app.post(
    `${I}/:id/comments`,
    WRITE,
    handle(async (req, reply) => {
      const r = await addComment(
        ctx,
        idOf(req),
        parse(CommentBodySchema, req.body).text,
        actorOf(req),
      );
      reply.code(201);
      return r;
    }),
  );

  app.get(
    `${I}/:id/notify/preview`,
    READ,
    handle(async (req) => {
      // Readers may preview only what they may read.
      await getIncidentView(ctx, idOf(req), scopeOf(req));
      const note = (req.query as { note?: unknown }).note;
      return previewNotify(
        ctx,
        idOf(req),
        typeof note === 'string' && note.trim() ? note.slice(0, 5000) : null,
      );
    }),
  );

  app.post(
    `${I}/:id/notify`,
    WRITE,
    handle(async (req) =>
      sendNotify(ctx, idOf(req), parse(NotifyBodySchema, req.body), actorOf(req)),
    ),
  );

  app.post(
    `${I}/:id/quarantine/plan`,
    WRITE,
    handle(async (req) =>
      planQuarantine(ctx, idOf(req), parse(QuarantinePlanBodySchema, req.body), actorOf(req)),
    ),
  );

  app.post(
    `${I}/:id/quarantine/apply`,
    { config: { authz: need('quarantine:apply') } },
    handle(async (req) => {
      // An unknown id is 404 before the body is judged.
      await getIncidentView(ctx, idOf(req), undefined);
      return applyQuarantine(
        ctx,
        idOf(req),
        parse(QuarantineApplyBodySchema, req.body),
        actorOf(req),
      );
    }),
  );

  app.get(
    '/api/v1/owners',
    READ,
    handle(async (req) => {
      const scope = scopeOf(req);
      return { owners: listOwners(ctx, scope) };
    }),
  );
}
