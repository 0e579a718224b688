/** "Sign in with single sign-on", shown on the sign-in form when the server has OIDC configured. */
import { useQuery } from '@tanstack/react-query';

import { getJson } from '../../api/http';

interface AuthMethods {
  password: boolean;
  oidc: boolean;
}

export function SsoLink(): React.JSX.Element | null {
  const methods = useQuery({
    queryKey: ['auth', 'methods'],
    queryFn: ({ signal }) => getJson<AuthMethods>('/api/v1/auth/methods', signal),
    staleTime: Infinity,
    retry: false,
  });
  if (!methods.data?.oidc) return null;
  // A full navigation: the provider's pages are not part of this app.
  return (
    <a className="button" href="/api/v1/auth/oidc/login" data-testid="sso-link">
      Sign in with single sign-on
    </a>
  );
}
