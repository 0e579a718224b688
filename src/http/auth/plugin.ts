/**
 * Authentication and authorisation for every route: bearer API tokens or a session cookie,
 * CSRF on state changes made with a cookie, and the route's declared decision. Installed on
 * the root instance before any route, so its onRoute hook sees them all.
 */
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';

import {
  type AuthServices,
  can,
  type Principal,
  runAs,
  sameSecret,
} from '../../services/auth/index.js';
import { sendError } from '../errors.js';
import { decisionFor, type RouteDecision } from './route-policy.js';

export const SESSION_COOKIE = 'netsec_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** Set when the principal came from a session cookie. */
    sessionCookie?: string;
    csrfToken?: string;
  }
  interface FastifyContextConfig {
    authz?: RouteDecision;
  }
}

export interface CollectedRoute {
  method: string;
  url: string;
  decision: RouteDecision | null;
}

export interface AuthPluginOptions {
  auth: AuthServices;
  /** True behind TLS: the session cookie gets `Secure`. */
  secure: boolean;
  /** Receives every registered route (the authorisation matrix test enumerates them). */
  onRouteCollected?: (route: CollectedRoute) => void;
}

function clientIp(req: FastifyRequest): string {
  return req.ip;
}

async function resolvePrincipal(req: FastifyRequest, auth: AuthServices): Promise<void> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    // A bearer header decides alone: a bad token is not rescued by a cookie.
    const token = await auth.tokens.verifyBearer(header);
    if (token) req.principal = auth.principalForToken(token);
    return;
  }
  const value = req.cookies[SESSION_COOKIE];
  if (value === undefined) return;
  const valid = await auth.sessions.validate(value);
  if (!valid) return;
  req.principal = auth.principalForUser(valid.user);
  req.sessionCookie = value;
  req.csrfToken = valid.session.csrfToken;
}

/** Checks one request against its route's decision; replies and returns false when refused. */
async function enforce(
  req: FastifyRequest,
  reply: FastifyReply,
  decision: RouteDecision | null,
): Promise<boolean> {
  if (!decision) {
    req.log.warn({ url: req.url }, 'route without an authorisation decision refused');
    await sendError(reply, 403, 'forbidden', 'this route has no authorisation decision');
    return false;
  }
  if (decision.kind === 'public') return true;
  const p = req.principal;
  if (!p) {
    req.log.warn({ url: req.url.split('?')[0] }, 'unauthenticated request refused');
    if (req.headers.authorization !== undefined)
      reply.header('www-authenticate', 'Bearer realm="netsec"');
    await sendError(reply, 401, 'unauthorized', 'sign in or send a valid bearer token');
    return false;
  }
  if (req.sessionCookie !== undefined && !SAFE_METHODS.has(req.method)) {
    const sent = req.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !req.csrfToken || !sameSecret(sent, req.csrfToken)) {
      req.log.warn({ url: req.url.split('?')[0], user: p.name }, 'missing or wrong CSRF token');
      await sendError(reply, 403, 'forbidden', 'missing or wrong CSRF token');
      return false;
    }
  }
  if (decision.kind === 'permission' && !can(p, decision.permission)) {
    req.log.warn({ url: req.url.split('?')[0], who: p.name }, 'forbidden');
    await sendError(reply, 403, 'forbidden', 'not allowed for this account');
    return false;
  }
  return true;
}

/** @example await installAuth(app, { auth: services.auth, secure: false }) */
export async function installAuth(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const { auth } = options;
  await app.register(cookie);
  app.decorate('authOptions', { secure: options.secure });

  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      const decision = decisionFor(String(method), route.url, route.config?.authz);
      options.onRouteCollected?.({ method: String(method), url: route.url, decision });
    }
    const decision = decisionFor(String(methods[0]), route.url, route.config?.authz);
    route.config = { ...(route.config ?? {}), authz: decision ?? undefined };
    const handler = route.handler;
    // The services read the principal from the async context (guarded store).
    route.handler = function wrapped(this: FastifyInstance, req, reply) {
      return runAs(req.principal ?? null, () => handler.call(this, req, reply));
    };
  });

  app.addHook('onRequest', async (req, reply) => {
    if (req.is404) return;
    await resolvePrincipal(req, auth);
    await enforce(req, reply, req.routeOptions.config.authz ?? null);
  });

  // Exports and reports are audited once they were allowed and answered.
  app.addHook('onResponse', async (req, reply) => {
    const d = req.routeOptions.config.authz;
    if (!d || d.kind !== 'permission' || !d.audit || !req.principal) return;
    if (reply.statusCode >= 400) return;
    const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '';
    await auth.audit
      .record({
        actor: req.principal.name,
        action: d.audit,
        target: req.url.split('?')[0] ?? null,
        ip: clientIp(req),
        details: { query: query.slice(0, 2000) },
      })
      .catch((err: unknown) => req.log.error({ err }, 'audit record failed'));
  });
}

declare module 'fastify' {
  interface FastifyInstance {
    authOptions: { secure: boolean };
  }
}
