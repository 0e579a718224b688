/**
 * Incremental detection: on an interval (and soon after new data is reported), runs the
 * detectors over a sliding window ending at the last closed step, so open findings grow
 * while their activity continues and close when it stops.
 * @example
 * const scheduler = new DetectionScheduler({ store, findings: findingStoreFor(store) });
 * scheduler.start(); ingest.onCommit(() => scheduler.dataArrived()); … scheduler.stop();
 */
import { setTimeout as delay } from 'node:timers/promises';

import { type DetectOptions, resolveDetectOptions } from '../domain/detect/options.js';
import {
  AllowedMemo,
  type DetectionDeps,
  detectRange,
  type DetectRangeResult,
  persistFindings,
} from './detection.js';

export interface SchedulerOptions {
  /** Run at least this often. Default 60 s. */
  intervalMs?: number;
  /** How far back each run looks; must cover the longest detector window. Default 2 h. */
  windowMs?: number;
  /** After new data is reported, wait this long for more before running. Default 5 s. */
  debounceMs?: number;
  /**
   * Runs asked for by new data start at least this long after the previous run started, and
   * at least `gapFactor` times the previous run's duration after it. Default 30 s: each run
   * reads the whole window, so under sustained ingest back-to-back runs would take a core of
   * their own.
   */
  minGapMs?: number;
  /**
   * Default 3: a run that took 20 s is followed by data-triggered runs no sooner than 60 s
   * after it started, so detection uses at most about a third of a core however large the
   * window's traffic.
   */
  gapFactor?: number;
  /**
   * Computes a run elsewhere (the detection thread), without storing it; the scheduler then
   * stores its findings here. Default: `detectRange` in-process, which stores them itself.
   */
  compute?: (range: { from: number; to: number }, now: number) => Promise<DetectRangeResult>;
  onRun?: (result: DetectRangeResult) => void;
  onError?: (err: unknown) => void;
}

export class DetectionScheduler {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private pending = false;
  private lastTo = -Infinity;
  /** performance.now() when the last run started. */
  private lastStartedAt = Number.NEGATIVE_INFINITY;
  /** How long the last run took, ms. */
  private lastElapsedMs = 0;
  private stopping = false;
  /** The allowed-traffic part of the last window (computed here when there is no `compute`). */
  private readonly memo = new AllowedMemo();
  private readonly opts: Required<Omit<SchedulerOptions, 'onRun' | 'onError' | 'compute'>>;

  constructor(
    private readonly deps: DetectionDeps,
    private readonly options: SchedulerOptions = {},
  ) {
    this.opts = {
      intervalMs: options.intervalMs ?? 60_000,
      windowMs: options.windowMs ?? 2 * 3_600_000,
      debounceMs: options.debounceMs ?? 5_000,
      minGapMs: options.minGapMs ?? 30_000,
      gapFactor: options.gapFactor ?? 3,
    };
  }

  start(): void {
    if (this.timer) return;
    this.stopping = false;
    this.timer = setInterval(() => void this.runNow(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in progress; its failure from now on is not reported. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopping = true;
    await this.running;
    this.stopping = false;
  }

  /** Call after a batch was committed; coalesces bursts into one run. */
  dataArrived(): void {
    if (this.pending) return;
    this.pending = true;
    const sinceLast = performance.now() - this.lastStartedAt;
    const gap = Math.max(this.opts.minGapMs, this.opts.gapFactor * this.lastElapsedMs);
    const wait = Math.max(this.opts.debounceMs, gap - sinceLast);
    void delay(wait, undefined, { ref: false }).then(() => {
      this.pending = false;
      return this.runNow();
    });
  }

  /**
   * One run over the window ending at the last closed step (denied events: up to `now`). Runs
   * never overlap; a run asked for while one is in progress is skipped (the next tick covers it).
   */
  async runNow(now: number = (this.deps.now ?? Date.now)()): Promise<DetectRangeResult | null> {
    if (this.running) return null;
    this.lastStartedAt = performance.now();
    const o = this.deps.options ?? resolveDetectOptions();
    const to = now - (now % o.allowed.stepMs);
    const from = to - this.opts.windowMs;
    let result: DetectRangeResult | null = null;
    this.running = (async () => {
      try {
        result = await this.compute({ from, to }, now, o);
        this.lastTo = to;
        this.options.onRun?.(result);
      } catch (err) {
        if (!this.stopping) this.options.onError?.(err);
      }
    })();
    await this.running;
    this.running = null;
    this.lastElapsedMs = performance.now() - this.lastStartedAt;
    return result;
  }

  private async compute(
    range: { from: number; to: number },
    now: number,
    o: DetectOptions,
  ): Promise<DetectRangeResult> {
    const elsewhere = this.options.compute;
    // Denials are read up to the moment of the run; allowed traffic up to the last closed step.
    if (!elsewhere) {
      return detectRange(this.deps, range, { now, deniedTo: now, allowedMemo: this.memo });
    }
    const result = await elsewhere(range, now);
    const started = performance.now();
    await persistFindings(this.deps.findings, result.findings, now, o);
    result.phases.persist = performance.now() - started;
    return result;
  }

  /** End of the window of the last successful run, or -Infinity. */
  get lastRunTo(): number {
    return this.lastTo;
  }
}
