/** Messages between the main thread and the detection thread (`detection-worker.ts`). */
import type { DetectOptions } from '../domain/detect/options.js';
import type { DetectRangeResult } from './detection.js';

export interface DetectionThreadData {
  /** The SQLite database file (not `:memory:`: a thread cannot share it). */
  path: string;
  busyTimeoutMs: number;
  /** Resolved detection options (plain data). */
  options: DetectOptions;
}

export interface DetectionThreadRequest {
  id: number;
  range: { from: number; to: number };
  now: number;
}

export type DetectionThreadReply =
  | { id: number; result: DetectRangeResult }
  | { id: number; error: { name: string; message: string } };
