import type { FlowPageResponse } from '@api/dashboard-schema.js';
import {
  type InfiniteData,
  useInfiniteQuery,
  type UseInfiniteQueryResult,
} from '@tanstack/react-query';

import { API, getJson, type QueryValue, toQuery } from './http';

/** The explorer's query: every FlowFilter field, as strings from the URL. */
export type FlowQuery = Record<string, QueryValue>;

/** Rows per request: small enough that the first page answers fast, large enough to scroll. */
export const PAGE_SIZE = 1000;

export const flowKeys = { list: (q: FlowQuery) => ['flows', q] as const };

export function fetchFlowPage(
  q: FlowQuery,
  cursor: string | null,
  signal?: AbortSignal,
): Promise<FlowPageResponse> {
  return getJson(`${API}/flows${toQuery({ ...q, limit: PAGE_SIZE, cursor })}`, signal);
}

export function exportUrl(q: FlowQuery, format: 'csv' | 'ndjson'): string {
  return `${API}/flows/export${toQuery({ ...q, format })}`;
}

export function useFlows(
  q: FlowQuery,
): UseInfiniteQueryResult<InfiniteData<FlowPageResponse, string | null>> {
  return useInfiniteQuery({
    queryKey: flowKeys.list(q),
    queryFn: ({ pageParam, signal }) => fetchFlowPage(q, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
}
