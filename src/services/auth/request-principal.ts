/**
 * The principal of the request being served, carried through async calls so that the services
 * can enforce scope without every function threading it through.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

import type { Principal } from './roles.js';

const current = new AsyncLocalStorage<Principal | null>();

/** Runs `fn` on behalf of `principal`; the guarded store reads it. */
export function runAs<T>(principal: Principal | null, fn: () => T): T {
  return current.run(principal, fn);
}

/**
 * The principal of the current request: a Principal, null inside an anonymous request, or
 * undefined outside any request (CLI, background jobs: trusted local code).
 */
export function currentPrincipal(): Principal | null | undefined {
  return current.getStore();
}
