/**
 * Test helpers for the authenticated API: a user with a live session (cookie and CSRF token)
 * made through the real services, and API tokens of each kind.
 */
import type { Role } from '../api/auth-schema.js';
import type { AuthServices } from '../services/auth/index.js';

export interface TestSession {
  username: string;
  /** The `cookie` request header value. */
  cookie: string;
  csrfToken: string;
  /** Headers for a state-changing request with this session. */
  headers: Record<string, string>;
}

let serial = 0;

/** @example const s = await testSession(services.auth, 'developer', ['shop']); fetch(url, { headers: { cookie: s.cookie } }) */
export async function testSession(
  auth: AuthServices,
  role: Role,
  namespaces?: string[],
): Promise<TestSession> {
  serial += 1;
  const username = `${role}-${serial}-${process.pid}`;
  await auth.users.add(
    { username, password: `Test-password-${serial}-long`, role, namespaces: namespaces ?? null },
    'test',
  );
  const user = await auth.users.get(username);
  if (!user) throw new Error('test user was not created');
  const s = await auth.sessions.start(user, null, 'test');
  const cookie = `netsec_session=${s.id}`;
  return {
    username,
    cookie,
    csrfToken: s.csrfToken,
    headers: { cookie, 'x-csrf-token': s.csrfToken },
  };
}

/** A bearer token of a kind: `{ authorization: 'Bearer …' }`. */
export async function testToken(
  auth: AuthServices,
  kind: 'ingest' | 'read' | 'metrics',
  namespaces?: string[],
): Promise<{ authorization: string }> {
  const { token } = await auth.tokens.create(`test-${kind}`, null, {
    kind,
    namespaces: namespaces ?? null,
  });
  return { authorization: `Bearer ${token}` };
}
