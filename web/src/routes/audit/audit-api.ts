/** Client for the audit log API (`GET /api/v1/audit`, `/api/v1/audit/verify`). */
import type { AuditEntryDto } from '@api/auth-schema.js';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';

import { getJson, toQuery } from '../../api/http';

export interface AuditFilters {
  actor?: string;
  action?: string;
  outcome?: string;
  from?: number;
  to?: number;
}

export interface AuditPage {
  entries: AuditEntryDto[];
  next: number | null;
}

export interface VerifyResult {
  ok: boolean;
  entries: number;
  head: string;
  firstBad?: { seq: number; reason: string };
}

export const auditKeys = {
  list: (f: AuditFilters) => ['audit', 'list', f] as const,
  verify: ['audit', 'verify'] as const,
};

function params(f: AuditFilters): Record<string, string | number | undefined> {
  return { actor: f.actor, action: f.action, outcome: f.outcome, from: f.from, to: f.to };
}

export function useAuditLog(f: AuditFilters, enabled: boolean): UseQueryResult<AuditPage> {
  return useQuery({
    enabled,
    queryKey: auditKeys.list(f),
    queryFn: ({ signal }) =>
      getJson<AuditPage>(`/api/v1/audit${toQuery({ ...params(f), limit: 500 })}`, signal),
  });
}

export function useAuditVerify(enabled: boolean): UseQueryResult<VerifyResult> {
  return useQuery({
    queryKey: auditKeys.verify,
    queryFn: ({ signal }) => getJson<VerifyResult>('/api/v1/audit/verify', signal),
    enabled,
  });
}

/** The CSV export of the same filters (a plain link: the browser sends the session cookie). */
export function auditCsvUrl(f: AuditFilters): string {
  return `/api/v1/audit${toQuery({ ...params(f), limit: 1000, format: 'csv' })}`;
}
