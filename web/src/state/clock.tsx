/**
 * The anchor time of relative windows. It moves only when the user asks (range change, refresh
 * button) or when auto-refresh ticks, so every panel of a page queries the same window and the
 * query keys stay stable between renders.
 */
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { useSearchParams } from 'react-router';

import { REFRESH_MS, REFRESH_OPTIONS, type RefreshOption } from './url-state';

interface Clock {
  anchor: number;
  refresh: RefreshOption;
  tick(): void;
}

const ClockContext = createContext<Clock>({ anchor: 0, refresh: 'off', tick: () => undefined });

const now = (): number => Math.floor(Date.now() / 1000) * 1000;

export function ClockProvider({ children }: { children: ReactNode }): React.JSX.Element {
  const [sp] = useSearchParams();
  const [anchor, setAnchor] = useState(now);
  const raw = sp.get('refresh') as RefreshOption | null;
  const refresh: RefreshOption = raw && REFRESH_OPTIONS.includes(raw) ? raw : 'off';
  const tick = useCallback(() => setAnchor(now()), []);
  useEffect(() => {
    const ms = REFRESH_MS[refresh];
    if (ms === 0) return undefined;
    const id = window.setInterval(tick, ms);
    return () => window.clearInterval(id);
  }, [refresh, tick]);
  const value = useMemo(() => ({ anchor, refresh, tick }), [anchor, refresh, tick]);
  return <ClockContext.Provider value={value}>{children}</ClockContext.Provider>;
}

export function useClock(): Clock {
  return useContext(ClockContext);
}
