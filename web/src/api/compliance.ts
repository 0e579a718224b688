/** Client for the compliance API (`GET /api/v1/compliance`). */
import type { ComplianceResponse } from '@api/compliance-schema.js';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';

import { getJson, toQuery } from './http';

export interface ComplianceParams {
  from: number;
  to: number;
  cluster?: string;
}

export const complianceKeys = { period: (p: ComplianceParams) => ['compliance', p] as const };

export function fetchCompliance(
  p: ComplianceParams,
  signal?: AbortSignal,
): Promise<ComplianceResponse> {
  return getJson(
    `/api/v1/compliance${toQuery({ from: p.from, to: p.to, cluster: p.cluster })}`,
    signal,
  );
}

export function useCompliance(p: ComplianceParams): UseQueryResult<ComplianceResponse> {
  return useQuery({
    queryKey: complianceKeys.period(p),
    queryFn: ({ signal }) => fetchCompliance(p, signal),
  });
}
