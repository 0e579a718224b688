import { Suspense } from 'react';
import { NavLink, Outlet, useLocation, useSearchParams } from 'react-router';

import { useLogout, useMe } from '../api/auth';
import { useMeta } from '../api/meta';
import { useTheme } from '../state/theme';
import { splitList, usePatchParams } from '../state/url-state';
import { MultiSelect } from './multi-select';
import { Loading } from './states';
import { TimePicker } from './time-picker';

/** The daily review first, then the traffic pages, then the evidence. */
const NAV = [
  { to: '/review', label: 'Daily review' },
  { to: '/', label: 'Overview', end: true },
  { to: '/denied', label: 'Denied traffic' },
  { to: '/allowed', label: 'Allowed traffic' },
  { to: '/flows', label: 'Flow explorer' },
  { to: '/map', label: 'Service map' },
  { to: '/policies', label: 'Policies' },
  { to: '/findings', label: 'Findings' },
  { to: '/incidents', label: 'Incidents' },
  { to: '/compliance', label: 'Compliance' },
  { to: '/reports', label: 'Reports' },
  { to: '/sources', label: 'Sources' },
];

/** The audit log, for the roles that may read it (the API refuses everyone else). */
const AUDIT_NAV = [{ to: '/audit', label: 'Audit log', end: false }];

/** Keeps the shared variables (time, cluster, namespace, refresh) when moving between pages. */
const SHARED = ['range', 'from', 'to', 'cluster', 'ns', 'refresh'];

export function Layout(): React.JSX.Element {
  const [sp] = useSearchParams();
  const patch = usePatchParams();
  const meta = useMeta();
  const me = useMe();
  const logout = useLogout();
  const canAudit = me.data?.user.role === 'admin' || me.data?.user.role === 'auditor';
  const [theme, toggleTheme] = useTheme();
  const location = useLocation();
  const shared = new URLSearchParams();
  for (const k of SHARED) {
    const v = sp.get(k);
    if (v) shared.set(k, v);
  }
  const qs = shared.toString() ? `?${shared.toString()}` : '';
  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <nav className="side" aria-label="Pages">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          netsec
        </div>
        <div className="nav-group">Daily review</div>
        <ul>
          {[...NAV, ...(canAudit ? AUDIT_NAV : [])].map((n) => (
            <li key={n.to}>
              <NavLink
                to={`${n.to}${qs}`}
                end={n.end}
                className={({ isActive }) => (isActive ? 'on' : '')}
              >
                {n.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="main-col">
        <header className="top">
          <TimePicker />
          <div className="vars">
            <MultiSelect
              label="Cluster"
              options={meta.data?.clusters ?? []}
              value={splitList(sp.get('cluster'))}
              onChange={(v) => patch({ cluster: v.join(',') || null })}
            />
            <MultiSelect
              label="Namespace"
              options={meta.data?.namespaces ?? []}
              value={splitList(sp.get('ns'))}
              onChange={(v) => patch({ ns: v.join(',') || null })}
            />
          </div>
          {me.data ? (
            <span className="user">
              <span title={`role ${me.data.user.role}`}>{me.data.user.username}</span>
              <button type="button" onClick={() => logout.mutate()}>
                Sign out
              </button>
            </span>
          ) : null}
          <button
            type="button"
            className="theme"
            onClick={toggleTheme}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
        </header>
        {meta.data?.demo ? (
          <div className="banner" role="note" data-testid="demo-banner">
            Simulated data: this dashboard shows the demo cluster, not a real one.
          </div>
        ) : null}
        {meta.error ? (
          <div className="banner error" role="alert">
            The server did not answer: {meta.error.message}
          </div>
        ) : null}
        <main id="main" tabIndex={-1} key={location.pathname}>
          <Suspense fallback={<Loading label="Loading page…" />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
    </div>
  );
}
