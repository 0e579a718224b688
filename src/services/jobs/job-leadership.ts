/**
 * Which replica runs the background jobs. Several servers may share one PostgreSQL database;
 * detection, alerting and retention must each run on one of them at a time. Each job has a
 * leader lock (a PostgreSQL session advisory lock, see store/postgres/job-locks.ts): every
 * replica tries to take the locks it lacks every `checkMs`, so when a leader stops or dies a
 * follower takes over within about `checkMs` (a vanished host: once PostgreSQL's keep-alive
 * drops its session). On a store without cross-replica locks (SQLite: one server per file)
 * this replica leads every job from the start.
 *
 * @example
 * const lead = new JobLeadership(store, JOB_NAMES, { registry });
 * lead.onChange((job, leader) => log.info({ job, leader }, 'job leadership'));
 * await lead.start();
 * if (lead.isLeader('retention')) await store.applyRetention(Date.now(), policy);
 * await lead.stop();
 */
import { Gauge, type Registry } from 'prom-client';

import type { FlowStore } from '../../store/flow-store.js';
import type { JobLockSession } from '../../store/postgres/job-locks.js';

/** The jobs that must run on one replica at a time. */
export const JOB_NAMES = ['detection', 'alerting', 'retention'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobLeadershipOptions {
  /** How often to renew the session and try for missing locks, in ms. Default 5000. */
  checkMs?: number;
  /** Where `netsec_job_leader{job}` (1 = this replica runs the job) is registered. */
  registry?: Registry;
  onError?: (err: unknown) => void;
}

interface LockCapable {
  openJobLocks(options?: { timeoutMs?: number }): JobLockSession;
}

function canLock(store: FlowStore): store is FlowStore & LockCapable {
  return typeof (store as Partial<LockCapable>).openJobLocks === 'function';
}

type Listener = (job: string, leader: boolean) => void;

export class JobLeadership {
  private readonly leading = new Set<string>();
  private readonly listeners = new Set<Listener>();
  private readonly session: JobLockSession | null;
  private readonly checkMs: number;
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private stopped = false;

  constructor(
    store: FlowStore,
    private readonly jobs: readonly string[] = JOB_NAMES,
    private readonly options: JobLeadershipOptions = {},
  ) {
    this.checkMs = options.checkMs ?? 5000;
    this.session = canLock(store)
      ? store.openJobLocks({ timeoutMs: Math.max(1000, this.checkMs) })
      : null;
    if (options.registry) {
      const gauge = new Gauge({
        name: 'netsec_job_leader',
        help: 'Whether this replica runs the background job (1) or another replica does (0)',
        labelNames: ['job'],
        registers: [options.registry],
        collect: () => {
          for (const job of this.jobs) gauge.set({ job }, this.leading.has(job) ? 1 : 0);
        },
      });
    }
  }

  /** Whether the store coordinates replicas (false: this replica always leads). */
  get coordinated(): boolean {
    return this.session !== null;
  }

  isLeader(job: string): boolean {
    return this.leading.has(job);
  }

  /** Jobs and whether this replica runs them. */
  status(): Record<string, boolean> {
    return Object.fromEntries(this.jobs.map((j) => [j, this.leading.has(j)]));
  }

  /** Called on every change, after it took effect; returns the unsubscribe function. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** First attempt at once (resolves after it), then every `checkMs`. */
  async start(): Promise<void> {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.check(), this.checkMs);
    this.timer.unref();
    await this.check();
  }

  /** One round: renew, try for missing locks, announce changes. Rounds never overlap. */
  async check(): Promise<void> {
    if (this.syncing) return this.syncing;
    this.syncing = (async () => {
      try {
        const held = this.session ? await this.session.sync(this.jobs) : new Set(this.jobs);
        if (!this.stopped) this.apply(held);
      } catch (err) {
        this.options.onError?.(err);
      }
    })();
    try {
      await this.syncing;
    } finally {
      this.syncing = null;
    }
  }

  private apply(held: ReadonlySet<string>): void {
    for (const job of this.jobs) {
      const now = held.has(job);
      if (now === this.leading.has(job)) continue;
      if (now) this.leading.add(job);
      else this.leading.delete(job);
      for (const l of this.listeners) {
        try {
          l(job, now);
        } catch (err) {
          this.options.onError?.(err);
        }
      }
    }
  }

  /** Gives up every job (telling the listeners) and frees the locks for other replicas. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.syncing;
    this.apply(new Set());
    this.stopped = true;
    await this.session?.close();
  }
}
