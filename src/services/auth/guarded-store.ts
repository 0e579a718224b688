/**
 * A FlowStore view that enforces the current request's principal in the service layer: every
 * read is narrowed to the principal's namespaces (flows whose source or destination is in
 * them), external IPs are pseudonymised where the role does not need them, and writes and
 * store-wide statistics are refused inside requests that are not trusted with them.
 */
import { createHmac } from 'node:crypto';

import { chartUnit, type Endpoint } from '../../domain/flow.js';
import {
  type FlowFilter,
  type FlowPage,
  type FlowStore,
  InvalidQueryError,
  type StoredFlow,
} from '../../store/flow-store.js';
import { scopedFilter } from '../dashboard/scope.js';
import { currentPrincipal } from './request-principal.js';
import { accessScopeOf, ForbiddenError, type Principal } from './roles.js';

/** A stable pseudonym for an external IP: keyed, so it cannot be reversed by enumeration. */
export function pseudonymiseIp(ip: string, key: Buffer): string {
  return `anon-${createHmac('sha256', key).update(ip).digest('hex').slice(0, 12)}`;
}

function pseudoEndpoint(e: Endpoint, key: Buffer): Endpoint {
  if (e.kind !== 'external' || e.ip === null) return e;
  return { ...e, ip: pseudonymiseIp(e.ip, key), dnsNames: [] };
}

function pseudoFlow(f: StoredFlow, key: Buffer): StoredFlow {
  return { ...f, src: pseudoEndpoint(f.src, key), dst: pseudoEndpoint(f.dst, key) };
}

/** The filter a principal may run, or null when its scope excludes everything. */
function narrow<F extends FlowFilter>(filter: F, p: Principal): F | null {
  if (p.pseudonymise && filter.ip !== undefined)
    throw new InvalidQueryError('ip: filtering by address is not available to this role');
  return scopedFilter(filter, accessScopeOf(p)) as F | null;
}

/**
 * The view serves requests only: without a principal (anonymous, or a context lost on the way)
 * it refuses rather than answer unscoped. Trusted local code (CLI) uses the plain store.
 */
function principalOrThrow(): Principal {
  const p = currentPrincipal();
  if (!p) throw new ForbiddenError('authentication required');
  return p;
}

/**
 * @example const deps = { store: guardStore(services.store, key), demo: false, now: Date.now }
 */
export function guardStore(store: FlowStore, pseudonymKey: Buffer): FlowStore {
  const guarded: Partial<FlowStore> = {
    async queryFlows(filter, page): Promise<FlowPage> {
      const p = principalOrThrow();
      const f = narrow(filter, p);
      if (!f) return { flows: [], next: null };
      const res = await store.queryFlows(f, page);
      return p.pseudonymise
        ? { ...res, flows: res.flows.map((x) => pseudoFlow(x, pseudonymKey)) }
        : res;
    },
    async queryRollups(query) {
      const p = principalOrThrow();
      const q = narrow(query, p);
      return q ? store.queryRollups(q) : [];
    },
    async queryTimeSeries(query) {
      const p = principalOrThrow();
      const f = narrow(query.filter ?? {}, p);
      if (!f) {
        const metric = query.metric === 'auto' ? chartUnit([]) : query.metric;
        return { metric, sources: [], stepMs: query.stepMs, steps: [], series: [] };
      }
      return store.queryTimeSeries({ ...query, filter: f });
    },
    async stats() {
      // Store-wide counts would reveal the size of namespaces outside a developer's scope.
      const p = principalOrThrow();
      if (p.namespaces !== null) throw new ForbiddenError('not available to this role');
      return store.stats();
    },
    close: () => Promise.resolve(),
  };
  // Everything else (writes, retention, tokens, methods added later) is refused: this view is
  // for reads on behalf of a request; fail closed rather than pass through something unreviewed.
  return new Proxy(store, {
    get(target, prop, receiver): unknown {
      if (Object.prototype.hasOwnProperty.call(guarded, prop))
        return guarded[prop as keyof FlowStore];
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (): never => {
        throw new ForbiddenError('not available over the API');
      };
    },
  });
}
