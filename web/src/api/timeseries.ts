import type { TimeSeriesResponse } from '@api/dashboard-schema.js';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';

import { API, getJson, toQuery } from './http';
import { type Scope, scopeParams } from './scope';

export interface SeriesParams {
  verdict: 'denied' | 'allowed';
  groupBy: 'namespace' | 'workload';
  direction: 'ingress' | 'egress' | 'any';
  rate: boolean;
  /** Default `auto`: packets when every source in the window reports them, else flows. */
  metric?: 'flows' | 'packets' | 'bytes' | 'auto';
}

export const seriesKeys = { of: (s: Scope, p: SeriesParams) => ['timeseries', s, p] as const };

export function fetchSeries(
  s: Scope,
  p: SeriesParams,
  signal?: AbortSignal,
): Promise<TimeSeriesResponse> {
  const q = toQuery({ ...scopeParams(s), ...p, rate: String(p.rate) });
  return getJson(`${API}/timeseries${q}`, signal);
}

export function useSeries(s: Scope, p: SeriesParams): UseQueryResult<TimeSeriesResponse> {
  return useQuery({
    queryKey: seriesKeys.of(s, p),
    queryFn: ({ signal }) => fetchSeries(s, p, signal),
  });
}
