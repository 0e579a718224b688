import type {
  DeniedDetailResponse,
  DeniedGroupKey,
  DeniedGroupsResponse,
} from '@api/dashboard-schema.js';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';

import { API, getJson, toQuery } from './http';
import { type Scope, scopeParams } from './scope';

export const deniedKeys = {
  groups: (s: Scope) => ['denied', 'groups', s] as const,
  detail: (s: Scope, group: string) => ['denied', 'detail', s, group] as const,
};

export function fetchDeniedGroups(s: Scope, signal?: AbortSignal): Promise<DeniedGroupsResponse> {
  return getJson(`${API}/denied${toQuery(scopeParams(s))}`, signal);
}

/** `group` is the JSON of a DeniedGroupKey, as carried in the URL. */
export function fetchDeniedDetail(
  s: Scope,
  group: string,
  signal?: AbortSignal,
): Promise<DeniedDetailResponse> {
  return getJson(`${API}/denied/detail${toQuery({ ...scopeParams(s), group })}`, signal);
}

export function groupParam(k: DeniedGroupKey): string {
  return JSON.stringify({
    cluster: k.cluster,
    src: k.src,
    dst: k.dst,
    port: k.port,
    protocol: k.protocol,
    direction: k.direction,
    reason: k.reason,
    policy: k.policy,
  });
}

export function useDeniedGroups(s: Scope): UseQueryResult<DeniedGroupsResponse> {
  return useQuery({
    queryKey: deniedKeys.groups(s),
    queryFn: ({ signal }) => fetchDeniedGroups(s, signal),
  });
}

export function useDeniedDetail(
  s: Scope,
  group: string | null,
): UseQueryResult<DeniedDetailResponse> {
  return useQuery({
    queryKey: deniedKeys.detail(s, group ?? ''),
    queryFn: ({ signal }) => fetchDeniedDetail(s, group ?? '', signal),
    enabled: group !== null,
  });
}
