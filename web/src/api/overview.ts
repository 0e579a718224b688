import type { OverviewResponse } from '@api/dashboard-schema.js';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';

import { API, getJson, toQuery } from './http';
import { type Scope, scopeParams } from './scope';

export const overviewKeys = { scope: (s: Scope) => ['overview', s] as const };

export function fetchOverview(s: Scope, signal?: AbortSignal): Promise<OverviewResponse> {
  return getJson(`${API}/overview${toQuery(scopeParams(s))}`, signal);
}

export function useOverview(s: Scope): UseQueryResult<OverviewResponse> {
  return useQuery({
    queryKey: overviewKeys.scope(s),
    queryFn: ({ signal }) => fetchOverview(s, signal),
  });
}
