import { type ReactNode, useState } from 'react';

import { useLogin, useMe } from '../api/auth';
import { SsoLink } from '../routes/login/sso-link';
import { ErrorState, Loading } from './states';

function SignInForm(): React.JSX.Element {
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  return (
    <div className="signin-page">
      <form
        className="signin"
        aria-label="Sign in"
        onSubmit={(e) => {
          e.preventDefault();
          login.mutate({ username, password });
        }}
      >
        <h1>
          <span className="logo" aria-hidden="true">
            ◆
          </span>{' '}
          netsec
        </h1>
        <p className="muted">Sign in to review network traffic.</p>
        <label>
          User name
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {login.error ? (
          <p className="state-error" role="alert">
            {login.error.message}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={login.isPending}>
          Sign in
        </button>
        <SsoLink />
      </form>
    </div>
  );
}

/** Shows the sign-in form until there is a session; then the app. */
export function AuthGate({ children }: { children: ReactNode }): React.JSX.Element {
  const me = useMe();
  if (me.isPending) return <Loading label="Checking your session…" />;
  if (me.error) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) return <SignInForm />;
  return <>{children}</>;
}
