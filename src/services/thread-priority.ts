/**
 * Scheduling priority of the calling thread. On Linux a thread has a nice value of its own
 * (`setpriority` on its thread id), so a worker thread can make way for the main thread, which
 * answers the API, without touching the rest of the process. Lowering a priority needs no
 * privilege; raising it again would.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

export type ThreadPriority =
  { applied: true; tid: number; nice: number } | { applied: false; reason: string };

/**
 * Sets the calling thread's nice value to `nice` (0–19, higher yields more). Never throws:
 * where threads have no priority of their own (not Linux) or the call is refused, the thread
 * keeps running as it was, and the result says why.
 */
export function lowerThreadPriority(nice: number): ThreadPriority {
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) {
    return { applied: false, reason: `nice must be a whole number from 0 to 19, got ${nice}` };
  }
  if (nice === 0) return { applied: false, reason: 'nice 0: nothing to lower' };
  if (process.platform !== 'linux') {
    return {
      applied: false,
      reason: `threads have no priority of their own on ${process.platform}`,
    };
  }
  try {
    // "<pid>/task/<tid>"
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return { applied: false, reason: 'no thread id' };
    // A thread already at this nice value or beyond (the whole server run under `nice`) stays.
    const now = getPriority(tid);
    if (now >= nice) return { applied: false, reason: `already at nice ${now}` };
    setPriority(tid, nice);
    return { applied: true, tid, nice };
  } catch (err) {
    return { applied: false, reason: err instanceof Error ? err.message : String(err) };
  }
}
