/**
 * The resume point of a stream that can only be restarted from a time (Hubble `since`,
 * Goldmane `start_time_gte`). Records from a short window before the newest delivered time
 * are remembered by key, the stream restarts at the window's start, and anything remembered
 * is skipped: nothing is lost when records from several nodes arrive slightly out of order,
 * and nothing is delivered twice.
 */
export class DedupeWindow {
  private readonly seen = new Map<string, bigint>();
  private newest: bigint | null = null;

  /** `windowUnits` is in the same unit as the times given (ns for Hubble, s for Goldmane). */
  constructor(private readonly windowUnits: bigint) {}

  has(key: string): boolean {
    return this.seen.has(key);
  }

  /** Whether a record is older than anything we still remember (so it was delivered). */
  isStale(time: bigint): boolean {
    return this.newest !== null && time < this.newest - this.windowUnits;
  }

  commit(key: string, time: bigint): void {
    this.seen.set(key, time);
    if (this.newest === null || time > this.newest) this.newest = time;
  }

  /** Forgets keys that fell out of the window; call after a batch of commits. */
  prune(): void {
    if (this.newest === null) return;
    const cutoff = this.newest - this.windowUnits;
    for (const [k, t] of this.seen) if (t < cutoff) this.seen.delete(k);
  }

  /** Where to restart the stream, or null before anything was delivered. */
  resumeFrom(): bigint | null {
    return this.newest === null ? null : this.newest - this.windowUnits;
  }

  get size(): number {
    return this.seen.size;
  }
}
