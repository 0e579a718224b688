/**
 * Ingest tokens: random bearer secrets of which only a SHA-256 hash is stored. A token is
 * shown once, when created. Replaced by the access-control work later; kept deliberately small.
 */
import { createHash, randomBytes } from 'node:crypto';

import type { FlowStore, IngestTokenRecord } from '../store/flow-store.js';

export type { IngestTokenRecord } from '../store/flow-store.js';

const PREFIX = 'nsi_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface CreatedToken {
  /** The secret; not stored anywhere, so it cannot be shown again. */
  token: string;
  record: IngestTokenRecord;
}

/**
 * A verified token is trusted for this long without asking the store again. The store marks a
 * token used with a write (an fsync per request otherwise); a revocation made through another
 * process therefore takes effect within this time. Revocations through this service are at once.
 */
export const TOKEN_CACHE_MS = 10_000;
const TOKEN_CACHE_MAX = 1000;

export class TokenService {
  private readonly verified = new Map<string, { record: IngestTokenRecord; until: number }>();

  constructor(
    private readonly store: FlowStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** @example const { token } = await tokens.create('collector-eu1', 'prod') */
  async create(name: string, cluster: string | null): Promise<CreatedToken> {
    const token = PREFIX + randomBytes(32).toString('base64url');
    const record = await this.store.createIngestToken(name, cluster, hashToken(token), this.now());
    return { token, record };
  }

  /** The live token record for an `Authorization` header value, or null. */
  async verifyBearer(header: string | undefined): Promise<IngestTokenRecord | null> {
    if (!header) return null;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return null;
    const hash = hashToken(m[1] as string);
    const now = this.now();
    const cached = this.verified.get(hash);
    if (cached && cached.until > now) return cached.record;
    this.verified.delete(hash);
    const record = await this.store.findIngestToken(hash, now);
    if (!record || record.revokedAt !== null) return null;
    if (this.verified.size >= TOKEN_CACHE_MAX) this.verified.clear();
    this.verified.set(hash, { record, until: now + TOKEN_CACHE_MS });
    return record;
  }

  list(): Promise<IngestTokenRecord[]> {
    return this.store.listIngestTokens();
  }

  async revoke(id: string): Promise<boolean> {
    for (const [hash, entry] of this.verified)
      if (entry.record.id === id) this.verified.delete(hash);
    return this.store.revokeIngestToken(id, this.now());
  }
}
