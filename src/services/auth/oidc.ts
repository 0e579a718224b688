/**
 * OIDC single sign-on (openid-client 6): authorization code with PKCE and a nonce. The
 * identity provider's group claim maps to a role and, for developers, to namespaces; a user in
 * no mapped group is refused.
 */
import * as client from 'openid-client';

import type { OidcConfig, Role } from '../../api/auth-schema.js';
import { USERNAME_RE } from '../../api/auth-schema.js';
import type { UserRecord } from '../../store/auth-store.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { UserService } from './users.js';

const PENDING_MS = 10 * 60_000;
const PENDING_MAX = 10_000;
const ROLE_RANK: Record<Role, number> = { admin: 0, security: 1, auditor: 2, developer: 3 };

interface Pending {
  verifier: string;
  nonce: string;
  at: number;
}

/** The role and namespaces for a set of groups: the most privileged mapping wins. */
export function mapGroups(
  groups: readonly string[],
  mappings: OidcConfig['groups'],
): { role: Role; namespaces: string[] | null } | null {
  const hits = mappings.filter((m) => groups.includes(m.group));
  if (hits.length === 0) return null;
  const best = hits.reduce((a, b) => (ROLE_RANK[b.role] < ROLE_RANK[a.role] ? b : a));
  if (best.role !== 'developer') return { role: best.role, namespaces: null };
  const ns = new Set(hits.filter((h) => h.role === 'developer').flatMap((h) => h.namespaces ?? []));
  return ns.size === 0 ? null : { role: 'developer', namespaces: [...ns].sort() };
}

function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

export class OidcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OidcError';
  }
}

export class OidcService {
  private configuration: Promise<client.Configuration> | null = null;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly config: OidcConfig,
    private readonly users: UserService,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
  ) {}

  private discover(): Promise<client.Configuration> {
    this.configuration ??= (async () => {
      const issuer = new URL(this.config.issuer);
      // Plain HTTP is accepted for a provider on this machine only (development and tests).
      const options = isLoopback(issuer) ? { execute: [client.allowInsecureRequests] } : {};
      return client.discovery(
        issuer,
        this.config.clientId,
        this.config.clientSecret ?? undefined,
        this.config.clientSecret ? undefined : client.None(),
        options,
      );
    })().catch((err: unknown) => {
      this.configuration = null;
      throw err;
    });
    return this.configuration;
  }

  /** The provider URL to send the browser to. */
  async startLogin(): Promise<string> {
    const cfg = await this.discover();
    const t = this.now();
    for (const [k, v] of this.pending) if (t - v.at > PENDING_MS) this.pending.delete(k);
    if (this.pending.size >= PENDING_MAX) throw new OidcError('too many logins in progress');
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    this.pending.set(state, { verifier, nonce, at: t });
    return client
      .buildAuthorizationUrl(cfg, {
        redirect_uri: this.config.redirectUri,
        scope: this.config.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      })
      .toString();
  }

  /** Completes a login from the callback URL; returns the (created or updated) user. */
  async finishLogin(callbackUrl: URL, ip: string | null): Promise<UserRecord> {
    const state = callbackUrl.searchParams.get('state') ?? '';
    const pending = this.pending.get(state);
    this.pending.delete(state);
    if (!pending || this.now() - pending.at > PENDING_MS) {
      await this.fail(ip, 'unknown or expired state');
    }
    const p = pending as Pending;
    const cfg = await this.discover();
    let claims: Record<string, unknown>;
    try {
      const tokens = await client.authorizationCodeGrant(cfg, callbackUrl, {
        pkceCodeVerifier: p.verifier,
        expectedState: state,
        expectedNonce: p.nonce,
      });
      claims = { ...(tokens.claims() ?? {}) };
      if (!(this.config.groupsClaim in claims) && typeof claims['sub'] === 'string') {
        const info = await client.fetchUserInfo(cfg, tokens.access_token, claims['sub']);
        claims = { ...info, ...claims };
      }
    } catch (err) {
      return this.fail(ip, `token exchange failed: ${(err as Error).message}`);
    }
    const rawGroups = claims[this.config.groupsClaim];
    const groups = Array.isArray(rawGroups)
      ? rawGroups.filter((g): g is string => typeof g === 'string')
      : [];
    const name = claims[this.config.usernameClaim] ?? claims['sub'];
    if (typeof name !== 'string' || !USERNAME_RE.test(name))
      return this.fail(ip, 'the identity provider sent no usable user name');
    const mapped = mapGroups(groups, this.config.groups);
    if (!mapped) return this.fail(ip, 'no configured group', name);
    return this.users.upsertOidc(name, mapped.role, mapped.namespaces);
  }

  private async fail(ip: string | null, reason: string, actor = 'oidc'): Promise<never> {
    await this.audit.record({
      actor,
      action: 'login',
      outcome: 'failed',
      ip,
      details: { method: 'oidc', reason },
    });
    throw new OidcError(reason);
  }
}
