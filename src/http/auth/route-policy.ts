/**
 * The declared authorisation decision of every route. A route gets its decision from its own
 * `config.authz` or from this table; a route with neither is refused at request time (403) and
 * fails the authorisation matrix test.
 */
import type { Permission } from '../../services/auth/index.js';

export type RouteDecision =
  /** Answers anyone: health probes, the login endpoints, the static UI files (no data). */
  | { kind: 'public' }
  /** Any authenticated user or token. */
  | { kind: 'authenticated' }
  | { kind: 'permission'; permission: Permission; audit?: string };

export const PUBLIC: RouteDecision = { kind: 'public' };
export const AUTHENTICATED: RouteDecision = { kind: 'authenticated' };
export const need = (permission: Permission, audit?: string): RouteDecision =>
  audit ? { kind: 'permission', permission, audit } : { kind: 'permission', permission };

const D = '/api/v1/dashboard';

/** Routes owned by other modules, declared here so their files need no auth code. */
export const ROUTE_DECISIONS: Readonly<Record<string, RouteDecision>> = {
  'GET /healthz': PUBLIC,
  'GET /readyz': PUBLIC,
  'GET /metrics': need('metrics:read'),
  'POST /api/v1/ingest': need('ingest'),
  'GET /api/v1/flows': need('flows:read'),
  'GET /api/v1/summary': need('flows:read'),
  'GET /api/v1/info': need('flows:read'),
  [`GET ${D}/meta`]: need('flows:read'),
  [`GET ${D}/overview`]: need('flows:read'),
  [`GET ${D}/timeseries`]: need('flows:read'),
  [`GET ${D}/denied`]: need('flows:read'),
  [`GET ${D}/denied/detail`]: need('flows:read'),
  [`GET ${D}/allowed/volume`]: need('flows:read'),
  [`GET ${D}/allowed/external`]: need('flows:read'),
  [`GET ${D}/service-map`]: need('flows:read'),
  [`GET ${D}/service-map/edge`]: need('flows:read'),
  [`GET ${D}/flows`]: need('flows:read'),
  [`GET ${D}/flows/export`]: need('flows:export', 'flows.export'),
  [`GET ${D}/policies`]: need('flows:read'),
  [`GET ${D}/policies/detail`]: need('flows:read'),
  [`POST ${D}/policies/test`]: need('policy:test'),
  // The web UI's HTML shell for client-side routes (it holds no data).
  'GET /*': PUBLIC,
};

/** Built UI files (`/index.html`, `/assets/app-1a2b.js`): public, never under /api/. */
const STATIC_FILE =
  /^\/(?!api\/)[A-Za-z0-9._\-/]*\.(html|js|css|svg|png|ico|woff2?|map|txt|json|webmanifest)$/;

/** The decision for a route, or null when none is declared. HEAD follows GET. */
export function decisionFor(
  method: string,
  url: string,
  own: RouteDecision | undefined,
): RouteDecision | null {
  if (own) return own;
  const m = method === 'HEAD' ? 'GET' : method;
  const declared = ROUTE_DECISIONS[`${m} ${url}`];
  if (declared) return declared;
  if (m === 'GET' && STATIC_FILE.test(url)) return PUBLIC;
  return null;
}
