/**
 * Access control: roles, the auth section of the configuration, and the bodies and queries of
 * the auth, users, tokens and audit-log API. Shared with the web UI.
 */
import { z } from 'zod';

export const ROLES = ['admin', 'security', 'auditor', 'developer'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = z.enum(ROLES);

/** Kubernetes namespace names (RFC 1123 labels): nothing else can be a scope. */
export const NamespaceNameSchema = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a Kubernetes namespace name');

export const USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const UsernameSchema = z
  .string()
  .regex(USERNAME_RE, 'expected 1-64 letters, digits, dot, underscore, @ or dash');

export const LoginBodySchema = z.strictObject({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});

export const CreateUserBodySchema = z.strictObject({
  username: UsernameSchema,
  password: z.string().min(1).max(1024),
  role: RoleSchema,
  namespaces: z.optional(z.array(NamespaceNameSchema).max(200)),
});

export const UpdateUserBodySchema = z.strictObject({
  role: z.optional(RoleSchema),
  namespaces: z.optional(z.array(NamespaceNameSchema).max(200)),
  disabled: z.optional(z.boolean()),
});

export const TOKEN_KINDS = ['ingest', 'read', 'metrics'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export const CreateTokenBodySchema = z.strictObject({
  name: z.string().min(1).max(100),
  kind: z.enum(TOKEN_KINDS),
  cluster: z.optional(z.string().min(1).max(253)),
  namespaces: z.optional(z.array(NamespaceNameSchema).max(200)),
});

export const AUDIT_OUTCOMES = ['ok', 'denied', 'failed'] as const;

export const AuditQuerySchema = z.strictObject({
  from: z.optional(z.coerce.number().int().nonnegative()),
  to: z.optional(z.coerce.number().int().nonnegative()),
  actor: z.optional(z.string().max(200)),
  action: z.optional(z.string().max(100)),
  outcome: z.optional(z.enum(AUDIT_OUTCOMES)),
  limit: z.optional(z.coerce.number().int().min(1).max(1000)),
  before: z.optional(z.coerce.number().int().positive()),
  format: z.optional(z.enum(['json', 'csv'])),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export interface MeResponse {
  user: { id: string; username: string; role: Role; namespaces: string[] | null; source: string };
  csrfToken: string;
  expiresAt: number;
}

export interface AuditEntryDto {
  seq: number;
  time: number;
  actor: string;
  action: string;
  target: string | null;
  outcome: (typeof AUDIT_OUTCOMES)[number];
  ip: string | null;
  details: Record<string, unknown>;
  hash: string;
}

/** One mapping of an identity-provider group to a role (and, for developers, namespaces). */
const GroupMappingSchema = z.strictObject({
  group: z.string().min(1),
  role: RoleSchema,
  namespaces: z.optional(z.array(NamespaceNameSchema)),
});

/** `auth:` in the configuration file; every key optional. Durations in the main schema's style. */
export const AuthConfigLayerSchema = z.strictObject({
  sessionIdleMinutes: z.optional(
    z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  ),
  sessionAbsoluteHours: z.optional(
    z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30),
  ),
  loginMaxFailures: z.optional(z.coerce.number().int().min(1).max(100)),
  lockoutMinutes: z.optional(
    z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60),
  ),
  loginRatePerMinute: z.optional(z.coerce.number().int().min(1).max(10_000)),
  /** Roles that see external IPs pseudonymised (GDPR data minimisation). */
  pseudonymiseExternalIpsFor: z.optional(z.array(RoleSchema)),
  oidc: z.optional(
    z.strictObject({
      issuer: z.url(),
      clientId: z.string().min(1),
      clientSecret: z.optional(z.string().min(1)),
      redirectUri: z.url(),
      scopes: z.optional(z.array(z.string().min(1))),
      groupsClaim: z.optional(z.string().min(1)),
      usernameClaim: z.optional(z.string().min(1)),
      groups: z.array(GroupMappingSchema).min(1),
    }),
  ),
});
export type AuthConfigLayer = z.infer<typeof AuthConfigLayerSchema>;

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | null;
  redirectUri: string;
  scopes: string[];
  groupsClaim: string;
  usernameClaim: string;
  groups: { group: string; role: Role; namespaces?: string[] | undefined }[];
}

export interface AuthConfig {
  sessionIdleMinutes: number;
  sessionAbsoluteHours: number;
  loginMaxFailures: number;
  lockoutMinutes: number;
  loginRatePerMinute: number;
  pseudonymiseExternalIpsFor: Role[];
  oidc: OidcConfig | null;
}

export const AUTH_CONFIG_DEFAULTS: AuthConfig = {
  sessionIdleMinutes: 30,
  sessionAbsoluteHours: 12,
  loginMaxFailures: 5,
  lockoutMinutes: 15,
  loginRatePerMinute: 20,
  pseudonymiseExternalIpsFor: ['developer'],
  oidc: null,
};

/** Fills an `auth:` layer's gaps from the defaults. */
export function resolveAuthConfig(layer: AuthConfigLayer | undefined): AuthConfig {
  const l = layer ?? {};
  const o = l.oidc;
  return {
    sessionIdleMinutes: l.sessionIdleMinutes ?? AUTH_CONFIG_DEFAULTS.sessionIdleMinutes,
    sessionAbsoluteHours: l.sessionAbsoluteHours ?? AUTH_CONFIG_DEFAULTS.sessionAbsoluteHours,
    loginMaxFailures: l.loginMaxFailures ?? AUTH_CONFIG_DEFAULTS.loginMaxFailures,
    lockoutMinutes: l.lockoutMinutes ?? AUTH_CONFIG_DEFAULTS.lockoutMinutes,
    loginRatePerMinute: l.loginRatePerMinute ?? AUTH_CONFIG_DEFAULTS.loginRatePerMinute,
    pseudonymiseExternalIpsFor:
      l.pseudonymiseExternalIpsFor ?? AUTH_CONFIG_DEFAULTS.pseudonymiseExternalIpsFor,
    oidc: o
      ? {
          issuer: o.issuer,
          clientId: o.clientId,
          clientSecret: o.clientSecret ?? null,
          redirectUri: o.redirectUri,
          scopes: o.scopes ?? ['openid', 'profile', 'groups'],
          groupsClaim: o.groupsClaim ?? 'groups',
          usernameClaim: o.usernameClaim ?? 'preferred_username',
          groups: o.groups,
        }
      : null,
  };
}
