/** The audit log's row shape and its mapping, shared by the SQLite and PostgreSQL stores. */
import type { AuditRecord } from '../audit-store.js';

export interface AuditRow {
  seq: number;
  time: number;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  ip: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export function auditFromRow(r: AuditRow): AuditRecord {
  return {
    seq: r.seq,
    time: r.time,
    actor: r.actor,
    action: r.action,
    target: r.target,
    outcome: r.outcome as AuditRecord['outcome'],
    ip: r.ip,
    details: r.details,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
