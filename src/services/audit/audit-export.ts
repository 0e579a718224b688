/** Audit entries for the API: DTOs and a CSV rendering safe against formula injection. */
import type { AuditEntryDto } from '../../api/auth-schema.js';
import type { AuditRecord } from '../../store/audit-store.js';
import { csvLine } from '../dashboard/csv.js';

export function auditDto(r: AuditRecord): AuditEntryDto {
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(r.details) as Record<string, unknown>;
  } catch {
    details = { unparsable: r.details };
  }
  return {
    seq: r.seq,
    time: r.time,
    actor: r.actor,
    action: r.action,
    target: r.target,
    outcome: r.outcome,
    ip: r.ip,
    details,
    hash: r.hash,
  };
}

export const AUDIT_CSV_COLUMNS = [
  'seq',
  'time',
  'actor',
  'action',
  'target',
  'outcome',
  'ip',
  'details',
  'hash',
];

export function auditCsv(records: readonly AuditRecord[]): string {
  return (
    csvLine(AUDIT_CSV_COLUMNS) +
    records
      .map((r) =>
        csvLine([
          r.seq,
          new Date(r.time).toISOString(),
          r.actor,
          r.action,
          r.target,
          r.outcome,
          r.ip,
          r.details,
          r.hash,
        ]),
      )
      .join('')
  );
}
