/**
 * Fresh planner statistics while a PostgreSQL store grows fast. Autovacuum analyzes a table
 * once it changed by a tenth, but only at its next pass (a minute apart by default), so a new
 * store, or one taking a backlog, is read for minutes with statistics of a nearly empty table.
 * PostgreSQL then plans the dashboard's rollup reads as one index scan of the window per key,
 * and a read that takes milliseconds takes seconds: in a 60-second `bench:load` on a fresh
 * database, API p95 went to 7–19 s and the slow reads took PostgreSQL's CPU from ingest.
 *
 * The writer reports what it committed; each time the flows this process committed have
 * doubled (from `firstAt` on), the store analyzes its rollup tables and raw events once, in the
 * background.
 * A store that stops growing fast is left to autovacuum.
 */
export class GrowthAnalyzer {
  private written = 0;
  private next: number;
  private running: Promise<void> | null = null;

  /**
   * @param analyze runs the ANALYZE (its errors are passed to `onError`, never thrown)
   * @param firstAt flows committed before the first ANALYZE
   */
  constructor(
    private readonly analyze: () => Promise<void>,
    firstAt = 1_000,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    this.next = Math.max(1, firstAt);
  }

  /**
   * Moves the first mark to at least `flows`: a store opened on data it already holds is
   * analyzed only once this process has added about as much again (autovacuum keeps the
   * statistics of a table that is not new).
   */
  notBefore(flows: number): void {
    if (this.written === 0) this.next = Math.max(this.next, flows);
  }

  /** Flows committed by this process at which the next ANALYZE starts. */
  get nextMark(): number {
    return this.next;
  }

  /** Counts committed flows; starts an ANALYZE when they reached the next mark. */
  committed(flows: number): void {
    this.written += flows;
    if (this.running || this.written < this.next) return;
    this.next = this.written * 2;
    this.running = this.analyze()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
      });
  }

  /** The ANALYZE in progress, if any (a store waits for it before closing its pool). */
  idle(): Promise<void> {
    return this.running ?? Promise.resolve();
  }
}
