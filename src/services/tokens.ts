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

export class TokenService {
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
    const record = await this.store.findIngestToken(hashToken(m[1] as string), this.now());
    return record && record.revokedAt === null ? record : null;
  }

  list(): Promise<IngestTokenRecord[]> {
    return this.store.listIngestTokens();
  }

  revoke(id: string): Promise<boolean> {
    return this.store.revokeIngestToken(id, this.now());
  }
}
