/**
 * The audit log (DESIGN.md §6): append-only and hash-chained. Each entry's hash covers its own
 * fields and the previous entry's hash, so editing, deleting or reordering entries breaks the
 * chain from that point on; the recorded head catches a truncated tail.
 */
import { createHash } from 'node:crypto';

import {
  type AuditDraft,
  type AuditFilter,
  type AuditRecord,
  type AuditStore,
  GENESIS_HASH,
} from '../../store/audit-store.js';

export type { AuditRecord } from '../../store/audit-store.js';

export interface AuditEvent {
  actor: string;
  action: string;
  target?: string | null;
  outcome?: AuditRecord['outcome'];
  ip?: string | null;
  details?: Record<string, unknown>;
}

/** The hash of one entry: its fields in a fixed order, chained to the previous hash. */
export function entryHash(
  prevHash: string,
  e: Pick<
    AuditRecord,
    'seq' | 'time' | 'actor' | 'action' | 'target' | 'outcome' | 'ip' | 'details'
  >,
): string {
  const canonical = JSON.stringify([
    e.seq,
    e.time,
    e.actor,
    e.action,
    e.target,
    e.outcome,
    e.ip,
    e.details,
  ]);
  return createHash('sha256').update(`${prevHash}\n${canonical}`, 'utf8').digest('hex');
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  /** The head hash to record elsewhere (a ticket, a WORM bucket) to anchor the chain. */
  head: string;
  /** The first entry that does not verify, and why. */
  firstBad?: { seq: number; reason: string };
}

/**
 * Walks the chain in storage order. The head is read before and after the walk: on a store that
 * several server replicas append to, entries may arrive during the walk. The walk must pass
 * through the head recorded before it (else the tail was truncated) and must not go beyond the
 * head recorded after it (else rows were added around `append`).
 */
export async function verifyChain(store: AuditStore): Promise<VerifyResult> {
  const before = await store.head();
  let prev = GENESIS_HASH;
  let passedHead = before === null;
  let expectedSeq = 1;
  let n = 0;
  const bad = (seq: number, reason: string): VerifyResult => ({
    ok: false,
    entries: n,
    head: prev,
    firstBad: { seq, reason },
  });
  for await (const e of store.all()) {
    if (e.seq !== expectedSeq)
      return bad(
        e.seq,
        e.seq > expectedSeq
          ? `entry ${expectedSeq} is missing (found ${e.seq} next)`
          : `entry out of order (expected ${expectedSeq})`,
      );
    if (e.prevHash !== prev) return bad(e.seq, 'previous-hash link does not match');
    if (entryHash(prev, e) !== e.hash) return bad(e.seq, 'contents do not match the hash');
    if (before && e.seq === before.seq) {
      if (e.hash !== before.hash) return bad(e.seq, 'entry does not match the recorded head');
      passedHead = true;
    }
    prev = e.hash;
    expectedSeq += 1;
    n += 1;
  }
  const after = await store.head();
  const endsBeforeHead = !passedHead || (after?.seq ?? 0) < n;
  const endsAtAfter = (after?.seq ?? 0) === n && (after?.hash ?? GENESIS_HASH) === prev;
  // Entries appended after the walk (head moved on) are fine: they are checked next time.
  if (endsBeforeHead || (!endsAtAfter && (after?.seq ?? 0) <= n))
    return bad(
      n + 1,
      `the log ends at entry ${n} but the recorded head is entry ${after?.seq ?? 0}`,
    );
  return { ok: true, entries: n, head: prev };
}

/**
 * NUL is replaced before hashing: PostgreSQL text cannot hold it, and a name typed at the login
 * form (attacker-controlled) must be recordable on every backend, with a hash that verifies.
 */
const noNul = (s: string): string => (s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s);

/** @example await audit.record({ actor: 'alice', action: 'login', outcome: 'ok' }) */
export class AuditLog {
  constructor(
    private readonly store: AuditStore,
    private readonly now: () => number = Date.now,
  ) {}

  async record(event: AuditEvent): Promise<AuditRecord> {
    const draft: AuditDraft = {
      time: this.now(),
      actor: noNul(event.actor.slice(0, 200)),
      action: noNul(event.action),
      target: event.target ? noNul(event.target) : (event.target ?? null),
      outcome: event.outcome ?? 'ok',
      ip: event.ip ? noNul(event.ip) : (event.ip ?? null),
      details: JSON.stringify(event.details ?? {}),
    };
    return this.store.append(draft, (seq, prevHash) => entryHash(prevHash, { ...draft, seq }));
  }

  query(filter: AuditFilter): Promise<AuditRecord[]> {
    return this.store.query(filter);
  }

  verify(): Promise<VerifyResult> {
    return verifyChain(this.store);
  }
}
