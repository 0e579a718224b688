/** I/O plumbing shared by the `netsec policy …` commands. */
import type { LoadedClusterModel } from '../../services/cluster-model-service.js';
import { formatModelError, loadClusterModel } from '../../services/cluster-model-service.js';
import { escapeTerminal } from '../terminal-escape.js';

export const EXIT_OK = 0;
/** Usage error, unreadable probe input, or nothing to evaluate. */
export const EXIT_FATAL = 1;
/** The run finished but some probe lines were rejected (they carry an `error` field). */
export const EXIT_REJECTED = 2;

/** Names and labels in manifests are not trusted: control and bidi characters become escapes. */
export const safe: (text: string) => string = escapeTerminal;

/** Buffers output and waits for the pipe to drain, so memory stays flat on large inputs. */
export class LineWriter {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly stream: NodeJS.WritableStream = process.stdout) {}

  async write(line: string): Promise<void> {
    this.chunks.push(line, '\n');
    this.size += line.length + 1;
    if (this.size >= 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    if (!this.stream.write(text)) {
      await new Promise<void>((resolve) => this.stream.once('drain', () => resolve()));
    }
  }
}

/** Parses `true|false` flag values strictly. */
export function parseBoolFlag(flag: string, value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new UsageError(`${flag} must be true or false, got ${JSON.stringify(value)}`);
}

export class UsageError extends Error {}

/** Loads the manifests and reports every problem on stderr; the run continues regardless. */
export async function loadAndReport(
  command: string,
  paths: readonly string[],
): Promise<LoadedClusterModel> {
  const loaded = await loadClusterModel(paths);
  for (const e of loaded.errors)
    process.stderr.write(`netsec policy ${command}: ${safe(formatModelError(e))}\n`);
  return loaded;
}

/**
 * Runs a `netsec policy <command>` action: its result becomes the exit code; any thrown
 * error is printed (escaped) and exits 1.
 */
export async function runPolicyAction(command: string, run: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await run();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`netsec policy ${command}: ${safe(message)}\n`);
    process.exitCode = EXIT_FATAL;
  }
}
