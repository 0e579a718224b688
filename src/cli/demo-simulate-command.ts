/** `netsec simulate`: the demo cluster's traffic written to a file, for tests and benchmarks. */
import type { Command } from 'commander';

import { parseDuration } from '../domain/time.js';
import { SCENARIO_TYPES, SIM_FORMATS } from '../services/demo-names.js';
import { fatal } from './cli-context.js';

interface SimulateFlags {
  format: string;
  duration: string;
  seed: string;
  start?: string;
  scenario?: string[];
  scenarios: boolean;
  out: string;
  labels?: string;
  window?: string;
  replies?: boolean;
}

function parseStart(text: string): number {
  const t = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(t))
    throw new Error(`--start: expected an RFC 3339 time or epoch ms, got ${JSON.stringify(text)}`);
  return t;
}

export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description("write the demo cluster's traffic in a wire format (tests, benchmarks)")
    .requiredOption('--format <format>', `one of ${SIM_FORMATS.join(', ')}`)
    .requiredOption('--duration <d>', 'length of the time range, e.g. 1h, 2d')
    .requiredOption('--out <file>', 'output file')
    .option('--seed <n>', 'simulation seed', '42')
    .option(
      '--start <time>',
      'start of the range (RFC 3339 or epoch ms; default: now minus the duration)',
    )
    .option('--scenario <name...>', `inject only these scenarios (${SCENARIO_TYPES.join(', ')})`)
    .option('--no-scenarios', 'inject no scenario')
    .option('--labels <file>', "write the scenarios' ground truth (JSON) here")
    .option('--window <d>', 'aggregation window (goldmane 15s, accountant scrape 30s by default)')
    .option('--replies', 'hubble: add reply events that parsers must skip')
    .action(async (flags: SimulateFlags) => {
      try {
        if (!(SIM_FORMATS as readonly string[]).includes(flags.format))
          throw new Error(
            `--format: expected one of ${SIM_FORMATS.join(', ')}, got ${JSON.stringify(flags.format)}`,
          );
        const durationMs = parseDuration(flags.duration);
        if (durationMs === null || durationMs <= 0)
          throw new Error(
            `--duration: expected a duration like 1h, got ${JSON.stringify(flags.duration)}`,
          );
        const windowMs = flags.window === undefined ? undefined : parseDuration(flags.window);
        if (windowMs === null || (windowMs !== undefined && windowMs < 1000))
          throw new Error('--window: expected a duration of at least 1s');
        const bad = (flags.scenario ?? []).filter(
          (s) => !(SCENARIO_TYPES as readonly string[]).includes(s),
        );
        if (bad.length > 0)
          throw new Error(
            `--scenario: unknown ${bad.join(', ')}; known: ${SCENARIO_TYPES.join(', ')}`,
          );
        const seed = Number(flags.seed);
        if (!Number.isInteger(seed))
          throw new Error(`--seed: expected a whole number, got ${JSON.stringify(flags.seed)}`);
        const start = flags.start !== undefined ? parseStart(flags.start) : Date.now() - durationMs;
        const scenarios = !flags.scenarios ? [] : (flags.scenario ?? SCENARIO_TYPES);
        const { runSimulate } = await import('../services/demo-simulate.js');
        const res = await runSimulate({
          format: flags.format as (typeof SIM_FORMATS)[number],
          seed,
          start,
          durationMs,
          scenarios: scenarios as (typeof SCENARIO_TYPES)[number][],
          out: flags.out,
          ...(flags.labels !== undefined ? { labels: flags.labels } : {}),
          ...(windowMs !== undefined ? { windowMs } : {}),
          ...(flags.replies ? { replies: true } : {}),
        });
        process.stdout.write(
          `${res.lines} lines (${res.bytes} bytes) from ${new Date(res.from).toISOString()} to ${new Date(res.to).toISOString()}, ${res.labels.length} scenarios\n`,
        );
      } catch (err) {
        fatal('simulate', err);
      }
    });
}
