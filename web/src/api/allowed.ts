import type { AllowedVolumeResponse, ExternalEgressResponse } from '@api/dashboard-schema.js';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';

import { API, getJson, toQuery } from './http';
import { type Scope, scopeParams } from './scope';

export const allowedKeys = {
  volume: (s: Scope) => ['allowed', 'volume', s] as const,
  external: (s: Scope) => ['allowed', 'external', s] as const,
};

export function fetchVolume(s: Scope, signal?: AbortSignal): Promise<AllowedVolumeResponse> {
  return getJson(`${API}/allowed/volume${toQuery(scopeParams(s))}`, signal);
}

export function fetchExternal(s: Scope, signal?: AbortSignal): Promise<ExternalEgressResponse> {
  return getJson(`${API}/allowed/external${toQuery(scopeParams(s))}`, signal);
}

export function useAllowedVolume(s: Scope): UseQueryResult<AllowedVolumeResponse> {
  return useQuery({
    queryKey: allowedKeys.volume(s),
    queryFn: ({ signal }) => fetchVolume(s, signal),
  });
}

export function useExternalEgress(s: Scope): UseQueryResult<ExternalEgressResponse> {
  return useQuery({
    queryKey: allowedKeys.external(s),
    queryFn: ({ signal }) => fetchExternal(s, signal),
  });
}
