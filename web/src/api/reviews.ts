/**
 * Client for the daily review API (`/api/v1/reviews…`, `/api/v1/suppressions`) and the
 * incident creation the review calls (`POST /api/v1/incidents`).
 */
import type {
  CurrentItemView,
  CurrentReviewResponse,
  DispositionBody,
  ReviewDetailResponse,
  ReviewSummaryView,
  SignOffBody,
  SuppressionView,
} from '@api/review-schema.js';
import {
  useMutation,
  type UseMutationResult,
  useQuery,
  useQueryClient,
  type UseQueryResult,
} from '@tanstack/react-query';

import { useMe } from './auth';
import { ApiRequestError, getJson, toQuery } from './http';

export const reviewKeys = {
  current: (cluster: string | null) => ['reviews', 'current', cluster] as const,
  history: (cluster: string | null) => ['reviews', 'history', cluster] as const,
  detail: (id: string) => ['reviews', 'detail', id] as const,
  suppressions: (cluster: string | null) => ['suppressions', cluster] as const,
};

/** Sends a state-changing request with the session's CSRF token; errors carry the API's message. */
export async function sendJson<T>(
  method: 'POST' | 'DELETE',
  path: string,
  csrf: string | undefined,
  body?: unknown,
): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(csrf ? { 'x-csrf-token': csrf } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = (await res.json().catch(() => ({}))) as T & { error?: string; message?: string };
  if (!res.ok)
    throw new ApiRequestError(
      res.status,
      `${res.status}: ${data.message ?? data.error ?? res.statusText}`,
    );
  return data;
}

export function useCurrentReview(cluster: string | null): UseQueryResult<CurrentReviewResponse> {
  return useQuery({
    queryKey: reviewKeys.current(cluster),
    queryFn: ({ signal }) =>
      getJson<CurrentReviewResponse>(
        `/api/v1/reviews/current${toQuery({ cluster: cluster ?? undefined })}`,
        signal,
      ),
  });
}

export function useReviewHistory(
  cluster: string | null,
): UseQueryResult<{ reviews: ReviewSummaryView[] }> {
  return useQuery({
    queryKey: reviewKeys.history(cluster),
    queryFn: ({ signal }) =>
      getJson(`/api/v1/reviews${toQuery({ cluster: cluster ?? undefined, limit: 30 })}`, signal),
  });
}

export function useReviewDetail(id: string | null): UseQueryResult<ReviewDetailResponse> {
  return useQuery({
    enabled: id !== null,
    queryKey: reviewKeys.detail(id ?? ''),
    queryFn: ({ signal }) => getJson(`/api/v1/reviews/${encodeURIComponent(id ?? '')}`, signal),
  });
}

export function useSuppressions(
  cluster: string | null,
): UseQueryResult<{ suppressions: SuppressionView[] }> {
  return useQuery({
    queryKey: reviewKeys.suppressions(cluster),
    queryFn: ({ signal }) =>
      getJson(`/api/v1/suppressions${toQuery({ cluster: cluster ?? undefined })}`, signal),
  });
}

function useInvalidate(): () => Promise<void> {
  const qc = useQueryClient();
  return async () => {
    await qc.invalidateQueries({ queryKey: ['reviews'] });
    await qc.invalidateQueries({ queryKey: ['suppressions'] });
    await qc.invalidateQueries({ queryKey: ['findings'] });
  };
}

export function useDispose(): UseMutationResult<
  CurrentItemView,
  Error,
  { key: string; body: DispositionBody }
> {
  const csrf = useMe().data?.csrfToken;
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ key, body }) =>
      sendJson<CurrentItemView>(
        'POST',
        `/api/v1/reviews/current/items/${encodeURIComponent(key)}/disposition`,
        csrf,
        body,
      ),
    onSuccess: invalidate,
  });
}

export function useSignOff(): UseMutationResult<{ id: string }, Error, SignOffBody> {
  const csrf = useMe().data?.csrfToken;
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (body) => sendJson('POST', '/api/v1/reviews/current/signoff', csrf, body),
    onSuccess: invalidate,
  });
}

export function useRevokeSuppression(): UseMutationResult<SuppressionView, Error, string> {
  const csrf = useMe().data?.csrfToken;
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id) => sendJson('DELETE', `/api/v1/suppressions/${encodeURIComponent(id)}`, csrf),
    onSuccess: invalidate,
  });
}

/** The incident contract (built by the incidents feature). */
export interface CreateIncidentBody {
  title?: string;
  severity?: 'low' | 'medium' | 'high' | 'critical';
  kind?: 'attack' | 'misconfiguration' | 'other';
  cluster?: string;
  findingIds?: string[];
  reviewId?: string;
  reviewItemKey?: string;
  note?: string;
}

export function useCreateIncident(): UseMutationResult<{ id: string }, Error, CreateIncidentBody> {
  const csrf = useMe().data?.csrfToken;
  return useMutation({
    mutationFn: (body) => sendJson<{ id: string }>('POST', '/api/v1/incidents', csrf, body),
  });
}

/** Finding severities mapped onto the incident scale (info counts as low). */
export function incidentSeverity(s: string): CreateIncidentBody['severity'] {
  return s === 'critical' || s === 'high' || s === 'medium' ? s : 'low';
}
