/** Health bookkeeping shared by the source implementations. */
import type { SourceHealthSnapshot, SourceKind, SourceState } from './source.js';

export class HealthTracker {
  private readonly snap: SourceHealthSnapshot;
  private connectedOnce = false;

  constructor(
    name: string,
    kind: SourceKind,
    private readonly now: () => number = Date.now,
  ) {
    this.snap = {
      name,
      kind,
      state: 'starting',
      lastDataAt: null,
      lastBatchAt: null,
      lagMs: null,
      records: 0,
      lostEvents: 0,
      duplicatesSkipped: 0,
      errors: 0,
      lastError: null,
      reconnects: 0,
    };
  }

  state(s: SourceState): void {
    this.snap.state = s;
  }

  /** A connection (or a file open) succeeded; every one after the first counts as a reconnect. */
  connected(): void {
    if (this.connectedOnce) this.snap.reconnects++;
    this.connectedOnce = true;
    this.snap.state = 'connected';
  }

  error(err: unknown): void {
    this.snap.errors++;
    this.snap.lastError = err instanceof Error ? err.message : String(err);
  }

  delivered(records: number, newestDataAt: number | null): void {
    const now = this.now();
    this.snap.records += records;
    this.snap.lastBatchAt = now;
    if (
      newestDataAt !== null &&
      (this.snap.lastDataAt === null || newestDataAt > this.snap.lastDataAt)
    ) {
      this.snap.lastDataAt = newestDataAt;
    }
    if (newestDataAt !== null) this.snap.lagMs = Math.max(0, now - newestDataAt);
  }

  lost(n: number): void {
    this.snap.lostEvents += n;
  }

  duplicate(n = 1): void {
    this.snap.duplicatesSkipped += n;
  }

  get(): SourceHealthSnapshot {
    return { ...this.snap };
  }
}
