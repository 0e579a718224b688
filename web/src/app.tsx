import {
  keepPreviousData,
  QueryCache,
  QueryClient,
  QueryClientProvider,
} from '@tanstack/react-query';
import { createBrowserRouter, Outlet, RouterProvider } from 'react-router';

import { shareUnlessStamped, trackAnswers } from './api/freshness';
import { ApiRequestError } from './api/http';
import { Layout } from './components/layout';
import { AuthGate } from './components/sign-in';
import { ErrorState } from './components/states';
import { ClockProvider } from './state/clock';

const queryCache = new QueryCache();
trackAnswers(queryCache);
const queryClient = new QueryClient({
  queryCache,
  defaultOptions: {
    queries: {
      // Keep showing the previous window while the next one loads (refresh, range change).
      placeholderData: keepPreviousData,
      staleTime: 10_000,
      structuralSharing: shareUnlessStamped,
      // A refused request (no session, no permission) is not retried: the answer will not change.
      retry: (count, err) =>
        !(err instanceof ApiRequestError && (err.status === 401 || err.status === 403)) &&
        count < 1,
      refetchOnWindowFocus: false,
    },
  },
});

function Root(): React.JSX.Element {
  return (
    <AuthGate>
      <ClockProvider>
        <Outlet />
      </ClockProvider>
    </AuthGate>
  );
}

function RouteError(): React.JSX.Element {
  return <ErrorState error="This page failed to load. Reload to try again." />;
}

const lazyPage = (load: () => Promise<{ Page: () => React.JSX.Element }>) => async () => ({
  Component: (await load()).Page,
});

const router = createBrowserRouter([
  {
    element: <Root />,
    errorElement: <RouteError />,
    children: [
      {
        element: <Layout />,
        children: [
          { index: true, lazy: lazyPage(() => import('./routes/overview/overview-page')) },
          { path: 'denied', lazy: lazyPage(() => import('./routes/denied/denied-page')) },
          { path: 'allowed', lazy: lazyPage(() => import('./routes/allowed/allowed-page')) },
          { path: 'flows', lazy: lazyPage(() => import('./routes/flows/flows-page')) },
          { path: 'map', lazy: lazyPage(() => import('./routes/service-map/service-map-page')) },
          { path: 'policies', lazy: lazyPage(() => import('./routes/policies/policies-page')) },
          { path: 'review', lazy: lazyPage(() => import('./routes/review/review-page')) },
          { path: 'findings', lazy: lazyPage(() => import('./routes/findings/findings-page')) },
          {
            path: 'findings/:id',
            lazy: lazyPage(() => import('./routes/findings/finding-detail-page')),
          },
          { path: 'incidents', lazy: lazyPage(() => import('./routes/incidents/incidents-page')) },
          {
            path: 'incidents/:id',
            lazy: lazyPage(() => import('./routes/incidents/incident-detail-page')),
          },
          {
            path: 'compliance',
            lazy: lazyPage(() => import('./routes/compliance/compliance-page')),
          },
          { path: 'reports', lazy: lazyPage(() => import('./routes/reports/reports-page')) },
          { path: 'sources', lazy: lazyPage(() => import('./routes/sources/sources-page')) },
          { path: 'audit', lazy: lazyPage(() => import('./routes/audit/audit-page')) },
          { path: '*', element: <ErrorState error="No such page." /> },
        ],
      },
    ],
  },
]);

export function App(): React.JSX.Element {
  return (
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
