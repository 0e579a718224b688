/**
 * `netsec demo` and `netsec simulate`: the simulated demo cluster. The commands load their
 * implementation only when they run, so that other commands start quickly.
 */
import type { Command } from 'commander';

import { DB_FLAG, fatal } from './cli-context.js';
import type { DemoFlags } from './demo-run.js';
import { registerSimulateCommand } from './demo-simulate-command.js';

/** Registers `netsec demo` and `netsec simulate`. */
export function registerDemoCommands(program: Command): void {
  program
    .command('demo')
    .description(
      'run the dashboard on a simulated cluster: history, live traffic and attack scenarios',
    )
    .option('--seed <n>', 'simulation seed (same seed, same cluster and traffic)', '42')
    .option('--days <d>', 'days of history to backfill', '14')
    .option('--speed <x>', 'live stream speed: simulated seconds per real second', '1')
    .option(...DB_FLAG)
    .option('--config <file>', 'YAML configuration file (or NETSEC_CONFIG)')
    .option('--host <host>', 'address to bind (default 127.0.0.1, or HOST)')
    .option('--port <port>', 'port to listen on (default 8080, or PORT)')
    .option('--scenario-every <d>', 'simulated time between live scenarios', '3m')
    .option('--exit-after <d>', 'stop after this long (tests, recordings)')
    .action(async (flags: DemoFlags) => {
      try {
        const { runDemo } = await import('./demo-run.js');
        await runDemo(flags);
      } catch (err) {
        fatal('demo', err);
      }
    });
  registerSimulateCommand(program);
}
