/**
 * `netsec` entry point. Each area registers its own commands; this file only wires them.
 */
import { Command, CommanderError } from 'commander';

import { registerDemoCommands } from './demo-commands.js';
import { registerFlowCommands } from './flow-commands.js';
import { registerPolicyCommands } from './policy/register.js';

export function buildProgram(): Command {
  const program = new Command('netsec')
    .description('Network security dashboard: audit Kubernetes NetworkPolicy traffic')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)');
  registerFlowCommands(program);
  registerPolicyCommands(program);
  registerDemoCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    throw err;
  }
}
