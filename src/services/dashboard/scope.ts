/**
 * Shared plumbing of the dashboard services: the access scope, the filter it produces, and the
 * rollup resolution and chart step for a window.
 */
import type { Peer } from '../../api/dashboard-schema.js';
import { HOUR_MS, MINUTE_MS } from '../../domain/time.js';
import type { FlowFilter, FlowStore, RollupResolution, RollupRow } from '../../store/flow-store.js';
import type { PolicyEnginePort } from './policy-port.js';

/**
 * Who is asking. A developer sees only flows whose source or destination namespace is in
 * `namespaces`; `undefined` means every namespace (admin, security, auditor).
 */
export interface AccessScope {
  namespaces?: readonly string[];
}

export interface DashboardDeps {
  store: FlowStore;
  /** True when the data comes from the demo simulator: the UI shows a banner. */
  demo: boolean;
  now: () => number;
  /** The policy engine over a loaded cluster model; absent until one is loaded. */
  policy?: PolicyEnginePort | null;
  /**
   * How long one page of the flow explorer searches before it answers with what it has
   * (`server.flowSearchMs`; `searchFlows`). Default: the configuration's default.
   */
  flowSearchMs?: number;
}

/** Windows up to this long read 1-minute rollups; longer ones read hourly rollups. */
export const FINE_WINDOW_MS = 6 * HOUR_MS;

export function resolutionFor(from: number, to: number): RollupResolution {
  return to - from <= FINE_WINDOW_MS ? '1m' : '1h';
}

export function resolutionMs(res: RollupResolution): number {
  return res === '1m' ? MINUTE_MS : HOUR_MS;
}

const NICE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440].map((m) => m * MINUTE_MS);

/** A chart step that gives at most `maxPoints` points and is a multiple of the resolution. */
export function stepFor(from: number, to: number, maxPoints = 240): number {
  const base = resolutionMs(resolutionFor(from, to));
  const wanted = (to - from) / maxPoints;
  const nice = NICE_STEPS.find((s) => s >= wanted && s >= base);
  return nice ?? Math.ceil(wanted / (24 * HOUR_MS)) * 24 * HOUR_MS;
}

/**
 * Intersects the requested namespaces with the caller's scope. Returns null when the
 * intersection is empty: the caller may see nothing, so the service answers empty.
 */
export function scopedNamespaces(
  requested: readonly string[] | undefined,
  scope: AccessScope | undefined,
): string[] | undefined | null {
  const allowed = scope?.namespaces;
  if (!allowed) return requested ? [...requested] : undefined;
  if (!requested) return [...allowed];
  const kept = requested.filter((ns) => allowed.includes(ns));
  return kept.length === 0 ? null : kept;
}

/** Builds the store filter for a scoped request; null when the scope excludes everything. */
export function scopedFilter(
  filter: FlowFilter,
  scope: AccessScope | undefined,
): FlowFilter | null {
  const namespace = scopedNamespaces(filter.namespace, scope);
  if (namespace === null) return null;
  const out: FlowFilter = { ...filter };
  if (namespace) out.namespace = namespace;
  else delete out.namespace;
  return out;
}

export function srcPeer(r: RollupRow): Peer {
  return {
    namespace: r.srcNamespace ?? null,
    workload: r.srcWorkload ?? null,
    kind: r.srcKind ?? 'unknown',
  };
}

export function dstPeer(r: RollupRow): Peer {
  return {
    namespace: r.dstNamespace ?? null,
    workload: r.dstWorkload ?? null,
    kind: r.dstKind ?? 'unknown',
  };
}

/** Rollup queries that must see every group (the seam's default limit is 1000). */
export const ALL_ROWS = 100_000;

/** `namespace/workload`, the external group, or `unknown`. */
export function peerLabel(p: Peer): string {
  if (p.workload === null) {
    return p.namespace === null ? `(${p.kind} peer)` : `${p.namespace}/(unknown)`;
  }
  return p.namespace === null ? p.workload : `${p.namespace}/${p.workload}`;
}

/** Adds a nullable counter: null + null stays null ("not reported"). */
export function addCount(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return a + b;
}
