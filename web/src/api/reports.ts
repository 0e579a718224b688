/**
 * Client for the reports API: generate (`POST /api/v1/reports`, answered with the issue
 * records), the issued list, downloads (`GET /api/v1/reports/:id`) and verification.
 */
import type {
  GenerateReport,
  IssuedReportView,
  ReportList,
  VerifyVerdict,
} from '@api/report-schema.js';
import {
  useMutation,
  type UseMutationResult,
  useQuery,
  useQueryClient,
  type UseQueryResult,
} from '@tanstack/react-query';

import { getJson, postJson } from './http';

export const reportKeys = { list: ['reports', 'list'] as const };

export function downloadUrl(id: string): string {
  return `/api/v1/reports/${encodeURIComponent(id)}`;
}

export function useReports(): UseQueryResult<ReportList> {
  return useQuery({
    queryKey: reportKeys.list,
    queryFn: ({ signal }) => getJson<ReportList>('/api/v1/reports', signal),
  });
}

export function useGenerateReport(): UseMutationResult<
  { reports: IssuedReportView[] },
  Error,
  Omit<GenerateReport, 'respond'>
> {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body) =>
      postJson<{ reports: IssuedReportView[] }>('/api/v1/reports', { ...body, respond: 'record' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: reportKeys.list }),
  });
}

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function useVerifyReport(): UseMutationResult<VerifyVerdict, Error, File> {
  return useMutation({
    mutationFn: async (file) =>
      postJson<VerifyVerdict>('/api/v1/reports/verify', {
        content: toBase64(await file.arrayBuffer()),
      }),
  });
}
