/** Client for the findings API (`GET /api/v1/findings`, `GET /api/v1/findings/:id`). */
import type { FindingDetailResponse, FindingListResponse } from '@api/finding-schema.js';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';

import { getJson, toQuery } from './http';

export interface FindingFilters {
  from?: number | undefined;
  to?: number | undefined;
  type?: string[] | undefined;
  status?: string[] | undefined;
  minSeverity?: string | undefined;
  cluster?: string[] | undefined;
  namespace?: string[] | undefined;
}

export const findingKeys = {
  list: (f: FindingFilters) => ['findings', 'list', f] as const,
  detail: (id: string) => ['findings', 'detail', id] as const,
};

export function useFindings(f: FindingFilters): UseQueryResult<FindingListResponse> {
  return useQuery({
    queryKey: findingKeys.list(f),
    queryFn: ({ signal }) =>
      getJson<FindingListResponse>(`/api/v1/findings${toQuery({ ...f, limit: 1000 })}`, signal),
  });
}

export function useFinding(id: string): UseQueryResult<FindingDetailResponse> {
  return useQuery({
    queryKey: findingKeys.detail(id),
    queryFn: ({ signal }) =>
      getJson<FindingDetailResponse>(`/api/v1/findings/${encodeURIComponent(id)}`, signal),
  });
}
