/** A progress bar on stderr with rate and ETA; only used when stderr is a terminal. */
import cliProgress from 'cli-progress';

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
