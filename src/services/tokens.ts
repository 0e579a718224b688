/**
 * API tokens: random bearer secrets of which only a SHA-256 hash is stored. A token is shown
 * once, when created. Kinds: `ingest` (collectors, optionally bound to one cluster), `read`
 * (automation; optionally scoped to namespaces) and `metrics` (Prometheus scrapes of /metrics).
 * The kind lives beside the token in the auth store; a token without one is an ingest token.
 */
import { createHash, randomBytes } from 'node:crypto';

import type { TokenKind } from '../api/auth-schema.js';
import type { AuthStore, TokenScope } from '../store/auth-store.js';
import type { FlowStore, IngestTokenRecord } from '../store/flow-store.js';

export type { IngestTokenRecord } from '../store/flow-store.js';

/** A token record with its kind and namespace scope. */
export interface ApiTokenRecord extends IngestTokenRecord {
  kind: TokenKind;
  namespaces: string[] | null;
}

type ScopeStore = Pick<AuthStore, 'getTokenScope' | 'setTokenScope'>;

const PREFIX = 'nsi_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface CreatedToken {
  /** The secret; not stored anywhere, so it cannot be shown again. */
  token: string;
  record: ApiTokenRecord;
}

/**
 * A verified token is trusted for this long without asking the store again. The store marks a
 * token used with a write (an fsync per request otherwise); a revocation made through another
 * process therefore takes effect within this time. Revocations through this service are at once.
 */
export const TOKEN_CACHE_MS = 10_000;
const TOKEN_CACHE_MAX = 1000;

export class TokenService {
  private readonly verified = new Map<string, { record: ApiTokenRecord; until: number }>();

  constructor(
    private readonly store: FlowStore,
    private readonly now: () => number = Date.now,
    /** Where kinds and scopes are kept; without it every token is an ingest token. */
    private readonly scopes: ScopeStore | null = null,
  ) {}

  /**
   * @example const { token } = await tokens.create('collector-eu1', 'prod')
   * @example const { token } = await tokens.create('grafana', null, { kind: 'read' })
   */
  async create(
    name: string,
    cluster: string | null,
    options: { kind?: TokenKind; namespaces?: string[] | null } = {},
  ): Promise<CreatedToken> {
    const kind = options.kind ?? 'ingest';
    if (kind !== 'ingest' && !this.scopes) throw new Error(`${kind} tokens need the auth store`);
    const token =
      (kind === 'ingest' ? PREFIX : kind === 'read' ? 'nsr_' : 'nsm_') +
      randomBytes(32).toString('base64url');
    const base = await this.store.createIngestToken(name, cluster, hashToken(token), this.now());
    const scope: TokenScope = { kind, namespaces: options.namespaces ?? null };
    if (this.scopes) await this.scopes.setTokenScope(base.id, scope);
    return { token, record: { ...base, ...scope } };
  }

  private async withScope(record: IngestTokenRecord): Promise<ApiTokenRecord> {
    const scope = (await this.scopes?.getTokenScope(record.id)) ?? null;
    return { ...record, kind: scope?.kind ?? 'ingest', namespaces: scope?.namespaces ?? null };
  }

  /** The live token record for an `Authorization` header value, or null. */
  async verifyBearer(header: string | undefined): Promise<ApiTokenRecord | null> {
    if (!header) return null;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return null;
    const hash = hashToken(m[1] as string);
    const now = this.now();
    const cached = this.verified.get(hash);
    if (cached && cached.until > now) return cached.record;
    this.verified.delete(hash);
    const found = await this.store.findIngestToken(hash, now);
    if (!found || found.revokedAt !== null) return null;
    const record = await this.withScope(found);
    if (this.verified.size >= TOKEN_CACHE_MAX) this.verified.clear();
    this.verified.set(hash, { record, until: now + TOKEN_CACHE_MS });
    return record;
  }

  async list(): Promise<ApiTokenRecord[]> {
    return Promise.all((await this.store.listIngestTokens()).map((r) => this.withScope(r)));
  }

  async revoke(id: string): Promise<boolean> {
    for (const [hash, entry] of this.verified)
      if (entry.record.id === id) this.verified.delete(hash);
    return this.store.revokeIngestToken(id, this.now());
  }
}
