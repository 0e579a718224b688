import type { MetaResponse } from '@api/dashboard-schema.js';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';

import { API, getJson } from './http';

export const metaKeys = { all: ['meta'] as const };

export function fetchMeta(signal?: AbortSignal): Promise<MetaResponse> {
  return getJson<MetaResponse>(`${API}/meta`, signal);
}

export function useMeta(): UseQueryResult<MetaResponse> {
  return useQuery({
    queryKey: metaKeys.all,
    queryFn: ({ signal }) => fetchMeta(signal),
    staleTime: 60_000,
  });
}
