/**
 * The slots of a pool of worker threads (the SQLite read pool, the ingest pool): each slot
 * holds one worker and what it has in flight. A worker's first `error` or `exit` fails what its
 * slot held and replaces it, until the slot has died more than `maxRespawns` times within
 * `windowMs`; then the slot stays empty. Workers are unref'd while idle, so that an idle pool
 * does not keep a process alive, and ref'd while they hold work (`holdWhileBusy`), so that a
 * process whose only pending work is on a worker (a script, a benchmark) waits for it.
 *
 * @example
 * const slots = new WorkerSlots(2, 'store read worker', (i) => ({ worker: new Worker(file), pending: new Map() }), failAll);
 * const slot = slots.leastBusy((s) => s.pending.size);
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';

/**
 * The compiled worker module `name` beside the module at `from` (its `import.meta.url`), or
 * `given` when a caller passed one; null when the file is missing, or when `from` is not
 * compiled JavaScript (vitest runs the TypeScript sources, and workers need the build).
 */
export function compiledWorker(name: string, from: string, given?: URL): URL | null {
  if (given) return existsSync(fileURLToPath(given)) ? given : null;
  const file = new URL(`./${name}`, from);
  if (!from.endsWith('.js') || !existsSync(fileURLToPath(file))) return null;
  return file;
}

/**
 * Keeps the process alive while `worker` holds work (`inFlight` > 0), and lets it exit while
 * the worker is idle. Call it whenever what the worker holds changes.
 */
export function holdWhileBusy(worker: Worker, inFlight: number): void {
  if (inFlight > 0) worker.ref();
  else worker.unref();
}

export interface WorkerSlotsOptions {
  windowMs?: number;
  maxRespawns?: number;
}

export class WorkerSlots<S extends { worker: Worker }> {
  private readonly slots: (S | null)[] = [];
  private readonly deaths = new Map<number, number[]>();
  private closed = false;
  private replaced = 0;
  private readonly windowMs: number;
  private readonly maxRespawns: number;

  constructor(
    count: number,
    /** Names the worker in the errors of work it held ("store read worker exited with code 1"). */
    private readonly label: string,
    private readonly make: (index: number) => S,
    /** Fails what the slot held, with `why`. */
    private readonly fail: (slot: S, why: Error) => void,
    options: WorkerSlotsOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 10_000;
    this.maxRespawns = options.maxRespawns ?? 3;
    for (let i = 0; i < count; i++) this.slots.push(this.start(i));
  }

  /** True while at least one worker can take work. */
  get available(): boolean {
    return !this.closed && this.slots.some((s) => s !== null);
  }

  /** Workers replaced after a death so far. */
  get restarts(): number {
    return this.replaced;
  }

  live(): S[] {
    return this.slots.filter((s): s is S => s !== null);
  }

  /** Whether `slot` is still in the pool (not died, not closed). */
  holds(slot: S): boolean {
    return this.slots.includes(slot);
  }

  /** The live slot with the least `load`, or null when none is left or the pool is closed. */
  leastBusy(load: (slot: S) => number): S | null {
    if (this.closed) return null;
    let best: S | null = null;
    for (const s of this.slots) if (s && (best === null || load(s) < load(best))) best = s;
    return best;
  }

  /** Stops every worker; what they held fails with `why`. */
  async close(why: Error): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const live = this.live();
    this.slots.fill(null);
    await Promise.all(
      live.map(async (s) => {
        this.fail(s, why);
        await s.worker.terminate();
      }),
    );
  }

  private start(index: number): S {
    const slot = this.make(index);
    slot.worker.unref();
    let gone = false;
    const died = (why: Error): void => {
      if (gone) return;
      gone = true;
      this.fail(slot, why);
      if (this.closed || this.slots[index] !== slot) return;
      this.slots[index] = this.mayRespawn(index) ? this.start(index) : null;
    };
    slot.worker.on('error', (err) => died(new Error(`${this.label} failed: ${err.message}`)));
    slot.worker.on('exit', (code) => died(new Error(`${this.label} exited with code ${code}`)));
    return slot;
  }

  private mayRespawn(index: number): boolean {
    const now = Date.now();
    const recent = (this.deaths.get(index) ?? []).filter((t) => now - t < this.windowMs);
    recent.push(now);
    this.deaths.set(index, recent);
    if (recent.length > this.maxRespawns) return false;
    this.replaced++;
    return true;
  }
}
