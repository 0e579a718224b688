/**
 * Who may do what (DESIGN.md §6). Routes ask `can()`; the services also apply the principal's
 * namespace scope themselves (guarded-store.ts), so a route that forgot would still leak nothing.
 */
import type { Role, TokenKind } from '../../api/auth-schema.js';
import type { AccessScope } from '../dashboard/scope.js';

export const PERMISSIONS = [
  'flows:read',
  'flows:export',
  'policy:test',
  'metrics:read',
  'audit:read',
  'users:manage',
  'tokens:manage',
  /** Sign off reviews, run incidents: for the review and incident routes as they land. */
  'reviews:write',
  'incidents:write',
  /** Apply or lift a quarantine NetworkPolicy on a live cluster (incidents). */
  'quarantine:apply',
  'ingest',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: [
    'flows:read',
    'flows:export',
    'policy:test',
    'metrics:read',
    'audit:read',
    'users:manage',
    'tokens:manage',
    'reviews:write',
    'incidents:write',
    'quarantine:apply',
  ],
  security: [
    'flows:read',
    'flows:export',
    'policy:test',
    'metrics:read',
    'reviews:write',
    'incidents:write',
    'quarantine:apply',
  ],
  auditor: ['flows:read', 'flows:export', 'metrics:read', 'audit:read'],
  developer: ['flows:read', 'flows:export', 'policy:test'],
};

const TOKEN_PERMISSIONS: Readonly<Record<TokenKind, readonly Permission[]>> = {
  ingest: ['ingest'],
  read: ['flows:read', 'flows:export', 'metrics:read'],
  metrics: ['metrics:read'],
};

/** An authenticated caller: a user (session) or an API token (bearer). */
export interface Principal {
  type: 'user' | 'token';
  id: string;
  /** User name, or `token:<name>`; what the audit log records. */
  name: string;
  role: Role | null;
  tokenKind: TokenKind | null;
  /** Namespace scope; null means every namespace. */
  namespaces: readonly string[] | null;
  /** Ingest tokens may be bound to one cluster. */
  cluster: string | null;
  /** True when external IPs must be pseudonymised for this caller. */
  pseudonymise: boolean;
}

export function permissionsOf(p: Principal): readonly Permission[] {
  if (p.type === 'token') return p.tokenKind ? TOKEN_PERMISSIONS[p.tokenKind] : [];
  return p.role ? ROLE_PERMISSIONS[p.role] : [];
}

/** @example if (!can(principal, 'audit:read')) throw new ForbiddenError() */
export function can(p: Principal | null | undefined, permission: Permission): boolean {
  return Boolean(p) && permissionsOf(p as Principal).includes(permission);
}

/** The dashboard services' scope for a principal. Developers without namespaces see nothing. */
export function accessScopeOf(p: Principal | null | undefined): AccessScope | undefined {
  if (!p) return { namespaces: [] };
  return p.namespaces === null ? undefined : { namespaces: [...p.namespaces] };
}

export class ForbiddenError extends Error {
  constructor(message = 'not allowed') {
    super(message);
    this.name = 'ForbiddenError';
  }
}
