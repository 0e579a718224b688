/**
 * Sign-in and administration API: login, logout, me, OIDC; users and API tokens (admins);
 * the audit log with filters and CSV export (auditors and admins). Every decision is declared
 * on the route (`config.authz`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';

import {
  AuditQuerySchema,
  CreateTokenBodySchema,
  CreateUserBodySchema,
  LoginBodySchema,
  type MeResponse,
  UpdateUserBodySchema,
} from '../api/auth-schema.js';
import { auditCsv, auditDto } from '../services/audit/audit-export.js';
import {
  type AuthServices,
  OidcError,
  PasswordPolicyError,
  UserError,
} from '../services/auth/index.js';
import { SESSION_COOKIE } from './auth/plugin.js';
import { AUTHENTICATED, need, PUBLIC } from './auth/route-policy.js';
import { sendError } from './errors.js';

/** Small bodies only on these routes, whatever the server-wide limit. */
const AUTH_BODY_LIMIT = 16 * 1024;

function parse<S extends z.ZodType>(
  schema: S,
  input: unknown,
  reply: FastifyReply,
): z.infer<S> | null {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  void sendError(
    reply,
    400,
    'bad_request',
    r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
  );
  return null;
}

function setSessionCookie(
  app: FastifyInstance,
  reply: FastifyReply,
  value: string,
  expiresAt: number,
): void {
  reply.setCookie(SESSION_COOKIE, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: app.authOptions.secure,
    expires: new Date(expiresAt),
  });
}

function actorOf(req: FastifyRequest): string {
  return req.principal?.name ?? 'anonymous';
}

/** @example registerAuthRoutes(app, services.auth, { loginRatePerMinute: 20 }) */
export function registerAuthRoutes(app: FastifyInstance, auth: AuthServices): void {
  const body = { bodyLimit: AUTH_BODY_LIMIT };

  app.post(
    '/api/v1/auth/login',
    {
      ...body,
      config: {
        authz: PUBLIC,
        rateLimit: { max: auth.config.loginRatePerMinute, timeWindow: 60_000 },
      },
    },
    async (req, reply) => {
      const b = parse(LoginBodySchema, req.body, reply);
      if (!b) return reply;
      const r = await auth.sessions.login(b.username, b.password, req.ip);
      if (!r.ok) {
        req.log.warn({ reason: r.reason }, 'login refused');
        return r.reason === 'locked'
          ? sendError(reply, 429, 'locked', 'too many failed sign-ins; try again later')
          : sendError(reply, 401, 'unauthorized', 'wrong user name or password');
      }
      setSessionCookie(app, reply, r.session.id, r.session.expiresAt);
      return reply.send({ ok: true, csrfToken: r.session.csrfToken });
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { ...body, config: { authz: AUTHENTICATED } },
    async (req, reply) => {
      if (req.sessionCookie) await auth.sessions.logout(req.sessionCookie, actorOf(req), req.ip);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.send({ ok: true });
    },
  );

  app.get('/api/v1/auth/me', { config: { authz: AUTHENTICATED } }, async (req, reply) => {
    const p = req.principal;
    if (!p || p.type !== 'user' || !req.csrfToken || !req.sessionCookie)
      return sendError(reply, 400, 'bad_request', 'only a signed-in user has a session');
    const valid = await auth.sessions.validate(req.sessionCookie);
    if (!valid) return sendError(reply, 401, 'unauthorized', 'session ended');
    const me: MeResponse = {
      user: {
        id: valid.user.id,
        username: valid.user.username,
        role: valid.user.role,
        namespaces: p.namespaces === null ? null : [...p.namespaces],
        source: valid.user.source,
      },
      csrfToken: req.csrfToken,
      expiresAt: valid.session.expiresAt,
    };
    return reply.header('cache-control', 'no-store').send(me);
  });

  // What the sign-in form offers; no data, so it answers before sign-in.
  app.get('/api/v1/auth/methods', { config: { authz: PUBLIC } }, async () => ({
    password: true,
    oidc: auth.oidc !== null,
  }));

  app.get('/api/v1/auth/oidc/login', { config: { authz: PUBLIC } }, async (_req, reply) => {
    if (!auth.oidc) return sendError(reply, 404, 'not_found', 'single sign-on is not configured');
    return reply.redirect(await auth.oidc.startLogin(), 302);
  });

  app.get(
    '/api/v1/auth/oidc/callback',
    {
      config: {
        authz: PUBLIC,
        rateLimit: { max: auth.config.loginRatePerMinute, timeWindow: 60_000 },
      },
    },
    async (req, reply) => {
      if (!auth.oidc) return sendError(reply, 404, 'not_found', 'single sign-on is not configured');
      const here = new URL(auth.config.oidc?.redirectUri ?? 'http://invalid/');
      const callback = new URL(req.url, here.origin);
      try {
        const user = await auth.oidc.finishLogin(callback, req.ip);
        if (user.disabled) return sendError(reply, 403, 'forbidden', 'this account is disabled');
        const s = await auth.sessions.start(user, req.ip, 'oidc');
        setSessionCookie(app, reply, s.id, s.expiresAt);
        return reply.redirect('/', 302);
      } catch (err) {
        if (err instanceof OidcError || err instanceof UserError) {
          req.log.warn({ reason: err.message }, 'single sign-on refused');
          return sendError(reply, 401, 'unauthorized', 'single sign-on failed');
        }
        throw err;
      }
    },
  );

  registerUserAdminRoutes(app, auth);
  registerAuditRoutes(app, auth);
}

function registerUserAdminRoutes(app: FastifyInstance, auth: AuthServices): void {
  const users = { config: { authz: need('users:manage') }, bodyLimit: AUTH_BODY_LIMIT };
  const tokens = { config: { authz: need('tokens:manage') }, bodyLimit: AUTH_BODY_LIMIT };
  const userError = (reply: FastifyReply, err: unknown): FastifyReply => {
    if (err instanceof UserError || err instanceof PasswordPolicyError)
      return sendError(reply, 400, 'bad_request', err.message);
    throw err;
  };

  app.get('/api/v1/users', users, async () => ({ users: await auth.users.list() }));
  app.post('/api/v1/users', users, async (req, reply) => {
    const b = parse(CreateUserBodySchema, req.body, reply);
    if (!b) return reply;
    try {
      return reply.code(201).send(await auth.users.add(b, actorOf(req)));
    } catch (err) {
      return userError(reply, err);
    }
  });
  app.patch<{ Params: { username: string } }>(
    '/api/v1/users/:username',
    users,
    async (req, reply) => {
      const b = parse(UpdateUserBodySchema, req.body, reply);
      if (!b) return reply;
      try {
        let view = null;
        if (b.role)
          view = await auth.users.setRole(req.params.username, b.role, b.namespaces, actorOf(req));
        if (b.disabled !== undefined)
          view = await auth.users.setDisabled(req.params.username, b.disabled, actorOf(req));
        if (!view) return sendError(reply, 400, 'bad_request', 'nothing to change');
        return reply.send(view);
      } catch (err) {
        return userError(reply, err);
      }
    },
  );

  app.get('/api/v1/tokens', tokens, async () => ({ tokens: await auth.tokens.list() }));
  app.post('/api/v1/tokens', tokens, async (req, reply) => {
    const b = parse(CreateTokenBodySchema, req.body, reply);
    if (!b) return reply;
    const created = await auth.tokens.create(b.name, b.cluster ?? null, {
      kind: b.kind,
      namespaces: b.namespaces ?? null,
    });
    await auth.audit.record({
      actor: actorOf(req),
      action: 'token.create',
      target: created.record.id,
      ip: req.ip,
      details: {
        name: b.name,
        kind: b.kind,
        cluster: b.cluster ?? null,
        namespaces: b.namespaces ?? null,
      },
    });
    return reply.code(201).header('cache-control', 'no-store').send(created);
  });
  app.delete<{ Params: { id: string } }>('/api/v1/tokens/:id', tokens, async (req, reply) => {
    const ok = await auth.tokens.revoke(req.params.id.slice(0, 100));
    if (!ok) return sendError(reply, 404, 'not_found', 'no active token with this id');
    await auth.audit.record({
      actor: actorOf(req),
      action: 'token.revoke',
      target: req.params.id,
      ip: req.ip,
    });
    return reply.send({ revoked: req.params.id });
  });
}

function registerAuditRoutes(app: FastifyInstance, auth: AuthServices): void {
  const read = { config: { authz: need('audit:read') } };
  app.get('/api/v1/audit', read, async (req, reply) => {
    const q = parse(AuditQuerySchema, req.query, reply);
    if (!q) return reply;
    const { format, ...filter } = q;
    const rows = await auth.audit.query(filter);
    if (format === 'csv') {
      await auth.audit.record({
        actor: actorOf(req),
        action: 'audit.export',
        ip: req.ip,
        details: { filter },
      });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="audit-log.csv"')
        .send(auditCsv(rows));
    }
    const last = rows[rows.length - 1];
    return reply.send({
      entries: rows.map(auditDto),
      next: last && last.seq > 1 ? last.seq : null,
    });
  });
  app.get('/api/v1/audit/verify', read, async () => auth.audit.verify());
}
