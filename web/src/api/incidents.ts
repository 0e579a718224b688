/** Client for incidents and namespace owners (`/api/v1/incidents`, `/api/v1/owners`). */
import type {
  CreateIncidentBody,
  IncidentDetailResponse,
  IncidentListResponse,
  NotifyPreviewResponse,
  NotifyResponse,
  OwnersResponse,
  PatchIncidentBody,
  QuarantineApplyResponse,
  QuarantinePlanResponse,
} from '@api/incident-schema.js';
import {
  useMutation,
  type UseMutationResult,
  useQuery,
  useQueryClient,
  type UseQueryResult,
} from '@tanstack/react-query';

import { fetchMe } from './auth';
import { ApiRequestError, getJson, postJson, toQuery } from './http';

const I = '/api/v1/incidents';

export interface IncidentFilters {
  status?: string[];
  severity?: string[];
}

export const incidentKeys = {
  all: ['incidents'] as const,
  list: (f: IncidentFilters) => ['incidents', 'list', f] as const,
  detail: (id: string) => ['incidents', 'detail', id] as const,
  preview: (id: string) => ['incidents', 'preview', id] as const,
  owners: ['owners'] as const,
};

export function fetchIncidents(
  f: IncidentFilters,
  signal?: AbortSignal,
): Promise<IncidentListResponse> {
  return getJson(`${I}${toQuery({ status: f.status, severity: f.severity })}`, signal);
}

export function useIncidents(f: IncidentFilters): UseQueryResult<IncidentListResponse> {
  return useQuery({
    queryKey: incidentKeys.list(f),
    queryFn: ({ signal }) => fetchIncidents(f, signal),
    refetchInterval: 30_000,
  });
}

export function useIncident(id: string): UseQueryResult<IncidentDetailResponse> {
  return useQuery({
    queryKey: incidentKeys.detail(id),
    queryFn: ({ signal }) =>
      getJson<IncidentDetailResponse>(`${I}/${encodeURIComponent(id)}`, signal),
    refetchInterval: 30_000,
  });
}

export function useNotifyPreview(
  id: string,
  enabled: boolean,
): UseQueryResult<NotifyPreviewResponse> {
  return useQuery({
    queryKey: incidentKeys.preview(id),
    queryFn: ({ signal }) =>
      getJson<NotifyPreviewResponse>(`${I}/${encodeURIComponent(id)}/notify/preview`, signal),
    enabled,
  });
}

export function useOwners(): UseQueryResult<OwnersResponse> {
  return useQuery({
    queryKey: incidentKeys.owners,
    queryFn: ({ signal }) => getJson<OwnersResponse>('/api/v1/owners', signal),
  });
}

/** The finding page and the review page create incidents through this. */
export function createIncident(body: CreateIncidentBody): Promise<{ id: string }> {
  return postJson(I, body);
}

async function patchJson<T>(path: string, body: unknown): Promise<T> {
  // http.ts keeps the CSRF token private; /auth/me hands it out again.
  const me = await fetchMe();
  const res = await fetch(path, {
    method: 'PATCH',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(me ? { 'x-csrf-token': me.csrfToken } : {}),
    },
    body: JSON.stringify(body),
  });
  const data = (await res.json().catch(() => ({}))) as T & { error?: string };
  if (!res.ok) throw new ApiRequestError(res.status, data.error ?? `${res.status}`);
  return data;
}

function useIncidentMutation<B, R>(
  id: string,
  fn: (body: B) => Promise<R>,
): UseMutationResult<R, Error, B> {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => qc.invalidateQueries({ queryKey: incidentKeys.all }),
  });
}

const path = (id: string, rest = ''): string => `${I}/${encodeURIComponent(id)}${rest}`;

export const usePatchIncident = (
  id: string,
): UseMutationResult<IncidentDetailResponse, Error, PatchIncidentBody> =>
  useIncidentMutation(id, (b: PatchIncidentBody) => patchJson<IncidentDetailResponse>(path(id), b));

export const useComment = (
  id: string,
): UseMutationResult<IncidentDetailResponse, Error, { text: string }> =>
  useIncidentMutation(id, (b: { text: string }) =>
    postJson<IncidentDetailResponse>(path(id, '/comments'), b),
  );

export const useNotify = (
  id: string,
): UseMutationResult<NotifyResponse, Error, { note?: string; send?: boolean }> =>
  useIncidentMutation(id, (b: { note?: string; send?: boolean }) =>
    postJson<NotifyResponse>(path(id, '/notify'), b),
  );

export const useQuarantinePlan = (
  id: string,
): UseMutationResult<QuarantinePlanResponse, Error, { workload?: string }> =>
  useIncidentMutation(id, (b: { workload?: string }) =>
    postJson<QuarantinePlanResponse>(path(id, '/quarantine/plan'), b),
  );

export const useQuarantineApply = (
  id: string,
): UseMutationResult<
  QuarantineApplyResponse,
  Error,
  { workload: string; confirm: string; action: 'apply' | 'lift' }
> =>
  useIncidentMutation(id, (b: { workload: string; confirm: string; action: 'apply' | 'lift' }) =>
    postJson<QuarantineApplyResponse>(path(id, '/quarantine/apply'), b),
  );
