/** Client for source health (`GET /api/v1/sources`) and the policy-change journal (`GET /api/v1/policy-changes`). */
import type { PolicyChangesResponse, SourcesResponse } from '@api/source-schema.js';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';

import { getJson, toQuery } from './http';

export interface PolicyChangeFilters {
  from?: number;
  to?: number;
  cluster?: string;
  namespace?: string;
  kind?: 'NetworkPolicy' | 'Namespace';
}

export const sourceKeys = {
  list: ['sources', 'list'] as const,
  changes: (f: PolicyChangeFilters) => ['sources', 'policy-changes', f] as const,
};

/** Refreshed every 15 s: a source going silent should show without a reload. */
export function useSources(): UseQueryResult<SourcesResponse> {
  return useQuery({
    queryKey: sourceKeys.list,
    queryFn: ({ signal }) => getJson<SourcesResponse>('/api/v1/sources', signal),
    refetchInterval: 15_000,
  });
}

export function usePolicyChanges(f: PolicyChangeFilters): UseQueryResult<PolicyChangesResponse> {
  return useQuery({
    queryKey: sourceKeys.changes(f),
    queryFn: ({ signal }) =>
      getJson<PolicyChangesResponse>(
        `/api/v1/policy-changes${toQuery({ ...f, limit: 1000 })}`,
        signal,
      ),
  });
}
