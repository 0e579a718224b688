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
  /**
   * Oldest answer `getLive` serves while a newer one is computed. Default 3 × `ttlMs`; an
   * entry with a longer lifetime gets the same multiple of its own lifetime.
   */
  maxStaleMs?: number;
  /** Told how each question was answered: from the cache, stale while refreshing, or computed. */
  onLookup?: (outcome: CacheOutcome) => void;
  now?: () => number;
}

export type CacheOutcome = 'hit' | 'stale' | 'miss';

interface Entry {
  /** When the answer arrived (when it was asked for, until then). */
  at: number;
  /** How long the answer is current, in ms: `ttlMs`, or longer for a long window. */
  lifetime: number;
  generation: number;
  value: Promise<unknown>;
  settled: boolean;
  /** Live entries: the end of the window the answer covers. */
  windowTo: number | null;
  /** A newer answer for this live entry is being computed. */
  refreshing: boolean;
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;
  private lastInvalidation = -Infinity;
  private pending: NodeJS.Timeout | null = null;
  private readonly maxEntries: number;
  private readonly every: number;
  private readonly maxStale: number;
  private readonly now: () => number;

  constructor(private readonly opts: ResponseCacheOptions) {
    this.maxEntries = opts.maxEntries ?? 500;
    this.every = opts.invalidateEveryMs ?? 1000;
    this.maxStale = opts.maxStaleMs ?? 3 * opts.ttlMs;
    this.now = opts.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.opts.ttlMs > 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The cached answer for `key`, or the one being computed, or a new one from `load`.
   * `lifetimeMs` (default `ttlMs`; see `lifetimeFor`) is how long a new answer stays current.
   */
  get<T>(key: string, load: () => Promise<T>, lifetimeMs = this.opts.ttlMs): Promise<T> {
    if (!this.enabled) return load();
    const hit = this.entries.get(key);
    if (hit && this.current(hit, this.now())) {
      this.touch(key, hit);
      this.opts.onLookup?.('hit');
      return hit.value as Promise<T>;
    }
    this.opts.onLookup?.('miss');
    return this.insert(key, null, lifetimeMs, load);
  }

  /**
   * Younger than its lifetime, and not marked stale since. Commits mark entries stale at most
   * once per `invalidateEveryMs`, which is about `ttlMs`; an entry that lives longer (a long
   * window's) would never outlive that, so it is current for its whole lifetime. `clear`, a
   * commit after a quiet spell, still drops it.
   */
  private current(hit: Entry, now: number): boolean {
    if (now - hit.at >= hit.lifetime) return false;
    return hit.generation === this.generation || hit.lifetime > this.opts.ttlMs;
  }

  /**
   * For a window that ends now ("the last hour"), keyed without the window's position:
   * - an answer covering up to `windowTo`, current and younger than the TTL, is served;
   * - an older one, up to `maxStaleMs` old, is served too, while one newer answer is computed
   *   in the background (stale while revalidate), so a crowd never waits for a recomputation;
   * - anything older, or cleared, waits for a new answer.
   * `lifetimeMs` as for `get`; the stale allowance grows with it.
   */
  getLive<T>(
    key: string,
    windowTo: number,
    load: () => Promise<T>,
    lifetimeMs = this.opts.ttlMs,
  ): Promise<T> {
    if (!this.enabled) return load();
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit) {
      const current = (hit.windowTo ?? -Infinity) >= windowTo && this.current(hit, now);
      if (current || !hit.settled) {
        this.touch(key, hit);
        this.opts.onLookup?.('hit');
        return hit.value as Promise<T>;
      }
      if (now - hit.at < (this.maxStale * hit.lifetime) / this.opts.ttlMs) {
        this.touch(key, hit);
        if (!hit.refreshing) this.refresh(key, hit, windowTo, lifetimeMs, load);
        this.opts.onLookup?.('stale');
        return hit.value as Promise<T>;
      }
    }
    this.opts.onLookup?.('miss');
    return this.insert(key, windowTo, lifetimeMs, load);
  }

  private touch(key: string, hit: Entry): void {
    // Map order is insertion order: re-inserting marks the entry as recently used.
    this.entries.delete(key);
    this.entries.set(key, hit);
  }

  private insert<T>(
    key: string,
    windowTo: number | null,
    lifetime: number,
    load: () => Promise<T>,
  ): Promise<T> {
    this.entries.delete(key);
    const value = load();
    const entry: Entry = {
      at: this.now(),
      lifetime,
      generation: this.generation,
      value,
      settled: false,
      windowTo,
      refreshing: false,
    };
    this.entries.set(key, entry);
    // The lifetime counts from the answer, not the question: a computation slower than the
    // TTL still serves the callers that come right after it. A failure is not remembered.
    value.then(
      () => {
        entry.at = this.now();
        entry.settled = true;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    this.evict();
    return value;
  }

  /** Computes a newer answer for a live entry; it replaces the entry once it has arrived. */
  private refresh<T>(
    key: string,
    old: Entry,
    windowTo: number,
    lifetime: number,
    load: () => Promise<T>,
  ): void {
    old.refreshing = true;
    const generation = this.generation;
    load().then(
      (answer) => {
        if (this.entries.get(key) !== old) return;
        this.entries.set(key, {
          at: this.now(),
          lifetime,
          generation,
          value: Promise.resolve(answer),
          settled: true,
          windowTo,
          refreshing: false,
        });
      },
      () => {
        old.refreshing = false;
      },
    );
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  /** Drops every entry now. */
  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** Marks every entry out of date: live entries may still be served while they refresh. */
  markStale(): void {
    this.generation += 1;
  }

  /**
   * New data was committed. After a quiet interval the cache is cleared at once (the next
   * question sees the commit); within `invalidateEveryMs` of the last invalidation, entries
   * are marked stale at the end of that interval, so sustained ingest neither keeps the cache
   * empty nor leaves a commit unseen for longer than the interval plus one recomputation.
   */
  dataChanged(): void {
    if (!this.enabled || this.pending) return;
    const wait = this.lastInvalidation + this.every - this.now();
    if (wait <= 0) {
      this.lastInvalidation = this.now();
      this.clear();
    } else {
      const run = (): void => {
        this.pending = null;
        this.lastInvalidation = this.now();
        this.markStale();
      };
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

/**
 * The longest lifetime `lifetimeFor` gives an answer, unless `ttlMs` is longer: the reference
 * Grafana dashboard's refresh interval (docs/dashboard.md#answer-cache).
 */
export const LONGEST_WINDOW_LIFETIME_MS = 30_000;

/**
 * How long an aggregate answer over a window `spanMs` long stays current: one 2,880th of the
 * window (30 s for a day), at least `ttlMs` and at most `LONGEST_WINDOW_LIFETIME_MS` (or
 * `ttlMs` when that is longer). The newest 30 s are a 2,880th of a day's totals, so a day's
 * charts need not be recomputed every few seconds; the last hour still is. 0 when the cache is
 * off.
 */
export function lifetimeFor(spanMs: number, ttlMs: number): number {
  if (ttlMs <= 0) return 0;
  return Math.max(ttlMs, Math.min(LONGEST_WINDOW_LIFETIME_MS, Math.round(spanMs / 2880)));
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
 * Aligns a window's ends up to multiples of `quantumMs` so that requests made within the same
 * moment share an entry. Up, not down: the newest traffic stays in the answer, and only up to
 * a quantum at the window's old end drops out. Leaves the window alone when aligning would
 * empty it.
 */
export function alignWindow<Q extends { from: number; to: number }>(q: Q, quantumMs: number): Q {
  if (quantumMs <= 1) return q;
  const up = (t: number): number => {
    const r = ((t % quantumMs) + quantumMs) % quantumMs;
    return r === 0 ? t : t + quantumMs - r;
  };
  const from = up(q.from);
  const to = up(q.to);
  return from < to ? { ...q, from, to } : q;
}
