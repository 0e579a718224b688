/** Progress on stderr, only used when stderr is a terminal: imports and long searches. */
import cliProgress from 'cli-progress';

import type { SearchProgress } from '../services/query.js';

export interface ImportProgress {
  update(bytes: number, flows: number, startedMs: number): void;
  stop(): void;
}

export function startProgress(totalBytes: number): ImportProgress {
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: ' {bar} {percentage}% | {flows} flows | {rate} flows/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(totalBytes, 1), 0, { flows: 0, rate: 0 });
  return {
    update(bytes, flows, startedMs) {
      const secs = (performance.now() - startedMs) / 1000;
      bar.update(Math.min(bytes, totalBytes), {
        flows,
        rate: secs > 0 ? Math.round(flows / secs) : 0,
      });
    },
    stop() {
      bar.stop();
    },
  };
}

export interface SearchProgressLine {
  update(p: SearchProgress): void;
  stop(): void;
}

/**
 * One line on a terminal, redrawn in place, while a slow search reads back through time:
 * `searching: back to 2026-11-21 09:12 UTC (42% of the window), 130 rows so far`. Cleared at the
 * end, so that only the results remain.
 */
export function startSearchProgress(
  stream: Pick<NodeJS.WriteStream, 'write'> = process.stderr,
): SearchProgressLine {
  let shown = false;
  return {
    update(p) {
      const at = new Date(p.searchedTo).toISOString().slice(0, 16).replace('T', ' ');
      const share =
        p.from === null || p.top <= p.from
          ? ''
          : ` (${Math.min(99, Math.floor((100 * (p.top - p.searchedTo)) / (p.top - p.from)))}% of the window)`;
      const rows = `${p.rows.toLocaleString('en-US')} row${p.rows === 1 ? '' : 's'} so far`;
      stream.write(`\r\x1b[2Ksearching: back to ${at} UTC${share}, ${rows}`);
      shown = true;
    },
    stop() {
      if (shown) stream.write('\r\x1b[2K');
      shown = false;
    },
  };
}
