/**
 * The URL holds the whole view state: time range, refresh, cluster and namespace variables, and
 * each page's own selection. These hooks read and write it.
 */
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

import type { Scope } from '../api/scope';
import { useClock } from './clock';

export const RANGES = ['15m', '1h', '24h', '7d', '30d'] as const;
export type RangeName = (typeof RANGES)[number];
export const RANGE_MS: Record<RangeName, number> = {
  '15m': 15 * 60_000,
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};
/** The reference dashboard's default window. */
export const DEFAULT_RANGE: RangeName = '15m';

export const REFRESH_OPTIONS = ['off', '30s', '1m'] as const;
export type RefreshOption = (typeof REFRESH_OPTIONS)[number];
export const REFRESH_MS: Record<RefreshOption, number> = { off: 0, '30s': 30_000, '1m': 60_000 };

export function splitList(v: string | null): string[] {
  return v ? v.split(',').filter((s) => s !== '') : [];
}

export type TimeSelection =
  { kind: 'relative'; range: RangeName } | { kind: 'custom'; from: number; to: number };

export function readTime(sp: URLSearchParams): TimeSelection {
  const from = Number(sp.get('from'));
  const to = Number(sp.get('to'));
  if (sp.get('from') && sp.get('to') && Number.isFinite(from) && Number.isFinite(to) && from < to) {
    return { kind: 'custom', from, to };
  }
  const r = sp.get('range') as RangeName | null;
  return { kind: 'relative', range: r && RANGES.includes(r) ? r : DEFAULT_RANGE };
}

/** Reads and updates search params without dropping the ones a caller does not name. */
export function useParam(name: string): [string | null, (v: string | null) => void] {
  const [sp, setSp] = useSearchParams();
  const set = useCallback(
    (v: string | null) =>
      setSp(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (v === null || v === '') next.delete(name);
          else next.set(name, v);
          return next;
        },
        { replace: false },
      ),
    [name, setSp],
  );
  return [sp.get(name), set];
}

export function usePatchParams(): (patch: Record<string, string | null>) => void {
  const [, setSp] = useSearchParams();
  return useCallback(
    (patch) =>
      setSp((prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(patch)) {
          if (v === null || v === '') next.delete(k);
          else next.set(k, v);
        }
        return next;
      }),
    [setSp],
  );
}

/** The query scope of the current URL: window resolved against the clock, and variables. */
export function useScope(): Scope {
  const [sp] = useSearchParams();
  const { anchor } = useClock();
  const cluster = sp.get('cluster');
  const ns = sp.get('ns');
  const rangeP = sp.get('range');
  const fromP = sp.get('from');
  const toP = sp.get('to');
  return useMemo(() => {
    const p = new URLSearchParams();
    if (rangeP) p.set('range', rangeP);
    if (fromP) p.set('from', fromP);
    if (toP) p.set('to', toP);
    const time = readTime(p);
    const { from, to } =
      time.kind === 'custom' ? time : { from: anchor - RANGE_MS[time.range], to: anchor };
    return { from, to, cluster: splitList(cluster), namespace: splitList(ns) };
  }, [anchor, cluster, ns, rangeP, fromP, toP]);
}

/** The current URL with a relative window made absolute, so that a shared link shows the same data. */
export function shareableUrl(scope: Scope): string {
  const url = new URL(window.location.href);
  url.searchParams.delete('range');
  url.searchParams.set('from', String(scope.from));
  url.searchParams.set('to', String(scope.to));
  return url.toString();
}
