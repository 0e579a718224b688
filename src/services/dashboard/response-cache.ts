/**
 * A short-lived cache of dashboard answers with single flight: twenty people looking at the
 * same page share one computation instead of queueing twenty identical queries on the one
 * database thread. Entries expire after `ttlMs` and all of them at once when new data is
 * committed (at most once per `invalidateEveryMs`, so sustained ingest cannot keep the cache
 * empty). Bounded: least recently used entries go first.
 *
 * The key must carry everything the answer depends on, the caller's scope included (see
 * `cacheKey`): entries are never shared between scopes.
 */

export interface ResponseCacheOptions {
  /** Lifetime of an entry in ms; 0 disables the cache (every call loads). */
  ttlMs: number;
  /** Most entries kept. Default 500. */
  maxEntries?: number;
  /** Shortest interval between two invalidations by commits. Default 1000 ms. */
  invalidateEveryMs?: number;
  now?: () => number;
}

interface Entry {
  at: number;
  generation: number;
  value: Promise<unknown>;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  private lastInvalidation = -Infinity;
  private pending: NodeJS.Timeout | null = null;
  private readonly maxEntries: number;
  private readonly every: number;
  private readonly now: () => number;

  constructor(private readonly opts: ResponseCacheOptions) {
    this.maxEntries = opts.maxEntries ?? 500;
    this.every = opts.invalidateEveryMs ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.opts.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The cached answer for `key`, or the one being computed, or a new one from `load`. */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.enabled) return load();
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.generation === this.generation && now - hit.at < this.opts.ttlMs) {
      // Map order is insertion order: re-inserting marks the entry as recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    this.entries.delete(key);
    const value = load();
    const entry: Entry = { at: now, generation: this.generation, value };
    this.entries.set(key, entry);
    // The lifetime counts from the answer, not the question: a computation slower than the
    // TTL still serves the callers that come right after it. A failure is not remembered.
    value.then(
      () => {
        entry.at = this.now();
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    return value;
  }

  /** Drops every entry now. */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /**
   * New data was committed: clears now, or at the end of the current `invalidateEveryMs`
   * interval when the last clear was more recent, so no commit goes unnoticed for longer.
   */
  dataChanged(): void {
    if (!this.enabled || this.pending) return;
    const wait = this.lastInvalidation + this.every - this.now();
    const run = (): void => {
      this.pending = null;
      this.lastInvalidation = this.now();
      this.clear();
    };
    if (wait <= 0) run();
    else {
      this.pending = setTimeout(run, wait);
      this.pending.unref();
    }
  }

  /** Stops the pending invalidation timer (server shutdown, tests). */
  close(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.clear();
  }
}

/** Who is asking, as far as an answer can depend on it. */
export interface CacheScope {
  namespaces?: readonly string[] | null;
  pseudonymise?: boolean;
  role?: string | null;
}

/**
 * `route` + the parsed query with its keys sorted + the caller's scope (namespaces sorted,
 * pseudonymisation, role), as one string.
 */
export function cacheKey(route: string, query: unknown, scope: CacheScope | undefined): string {
  const namespaces = scope?.namespaces ? [...scope.namespaces].sort() : null;
  return JSON.stringify([
    route,
    normalise(query),
    namespaces,
    scope?.pseudonymise ?? false,
    scope?.role ?? null,
  ]);
}

function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => [k, normalise(o[k])]);
  }
  return v;
}

/**
 * Aligns a window's ends down to multiples of `quantumMs` so that requests made within the
 * same moment share an entry; leaves the window alone when aligning would empty it.
 */
export function alignWindow<Q extends { from: number; to: number }>(q: Q, quantumMs: number): Q {
  if (quantumMs <= 1) return q;
  const from = q.from - (((q.from % quantumMs) + quantumMs) % quantumMs);
  const to = q.to - (((q.to % quantumMs) + quantumMs) % quantumMs);
  return from < to ? { ...q, from, to } : q;
}
