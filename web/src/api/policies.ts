import type {
  ConnectionTest,
  ConnectionTestResponse,
  PoliciesResponse,
  PolicyDetailResponse,
} from '@api/dashboard-schema.js';
import {
  useMutation,
  type UseMutationResult,
  useQuery,
  type UseQueryResult,
} from '@tanstack/react-query';

import { API, getJson, postJson, toQuery } from './http';

export const policyKeys = {
  list: (ns: readonly string[]) => ['policies', ns] as const,
  detail: (ns: string, name: string) => ['policies', 'detail', ns, name] as const,
};

export function usePolicies(namespaces: readonly string[]): UseQueryResult<PoliciesResponse> {
  return useQuery({
    queryKey: policyKeys.list(namespaces),
    queryFn: ({ signal }) =>
      getJson<PoliciesResponse>(`${API}/policies${toQuery({ namespace: namespaces })}`, signal),
  });
}

export function usePolicyDetail(
  ns: string | null,
  name: string | null,
): UseQueryResult<PolicyDetailResponse> {
  return useQuery({
    queryKey: policyKeys.detail(ns ?? '', name ?? ''),
    queryFn: ({ signal }) =>
      getJson<PolicyDetailResponse>(
        `${API}/policies/detail${toQuery({ namespace: ns, name })}`,
        signal,
      ),
    enabled: ns !== null && name !== null,
  });
}

export function useConnectionTest(): UseMutationResult<
  ConnectionTestResponse,
  Error,
  ConnectionTest
> {
  return useMutation({
    mutationFn: (probe: ConnectionTest) =>
      postJson<ConnectionTestResponse>(`${API}/policies/test`, probe),
  });
}
